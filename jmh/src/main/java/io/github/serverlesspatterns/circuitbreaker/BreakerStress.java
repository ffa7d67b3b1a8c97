package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** One breaker, two invocations at once (Lambda Managed Instances), over a store it shares. */
public final class BreakerStress {

    private BreakerStress() {
    }

    private static final Invocation INVOCATION = Invocation.builder().build();

    private static final Handler<String, String> FAILING = (in, inv) -> {
        throw new IllegalStateException("HTTP 503");
    };

    /** Calls and ignores the outcome: the failure itself, or a rejection. */
    private static void call(Handler<String, String> guarded) {
        try {
            guarded.handle("x", INVOCATION);
        } catch (RuntimeException expected) {
            // the downstream's failure, or a rejection
        }
    }

    /**
     * Two failures at once on a breaker that opens at two in a row: both count (the
     * compare-and-set of outcomes loses none), and the circuit opens exactly once.
     */
    @JCStressTest
    @Outcome(id = "OPEN, 1", expect = ACCEPTABLE, desc = "both failures counted, one opening")
    @Outcome(expect = FORBIDDEN, desc = "a failure was lost, or the circuit opened twice")
    @State
    public static class TwoFailuresOpenItOnce {
        private final AtomicInteger openings = new AtomicInteger();
        private final CircuitBreaker breaker = CircuitBreaker.of("partner", new LosingStore(), CircuitBreakerConfig.builder()
                .consecutiveFailures(2).waitInOpen(Duration.ofMinutes(5)).listener(new CircuitBreakerListener() {
                    @Override
                    public void onStateTransition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
                        if (to == CircuitBreaker.State.OPEN) {
                            openings.incrementAndGet();
                        }
                    }
                }).build());
        private final Handler<String, String> guarded = Decorators.decorate(FAILING, breaker.decorator());

        @Actor
        public void first() {
            call(guarded);
        }

        @Actor
        public void second() {
            call(guarded);
        }

        @Arbiter
        public void after(LL_Result r) {
            r.r1 = breaker.state();
            r.r2 = openings.get();
        }
    }

    /**
     * HALF_OPEN with one probe slot: two callers at once, and exactly one probes (its failure
     * opens the circuit again, so the other is rejected whether it comes before or after).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "one probe ran, the other caller was rejected")
    @Outcome(expect = FORBIDDEN, desc = "the single probe slot was taken twice, or by nobody")
    @State
    public static class OneProbeSlotOneProbe {
        private final AtomicInteger probes = new AtomicInteger();
        private final AtomicInteger rejected = new AtomicInteger();
        private final CircuitBreaker breaker = CircuitBreaker.of("partner", new LosingStore(), CircuitBreakerConfig.builder()
                .consecutiveFailures(1).halfOpen(1, 1).waitInOpen(Duration.ofMinutes(5)).listener(new CircuitBreakerListener() {
                    @Override
                    public void onCallRejected(String name, CircuitBreaker.State state, java.time.Instant nextProbeAt) {
                        rejected.incrementAndGet();
                    }
                }).build());
        private final Handler<String, String> guarded = Decorators.decorate((String in, Invocation inv) -> {
            probes.incrementAndGet();
            throw new IllegalStateException("still down");
        }, breaker.decorator());

        {
            breaker.transitionToHalfOpen();
        }

        @Actor
        public void first() {
            call(guarded);
        }

        @Actor
        public void second() {
            call(guarded);
        }

        @Arbiter
        public void after(II_Result r) {
            r.r1 = probes.get();
            r.r2 = rejected.get();
        }
    }
}
