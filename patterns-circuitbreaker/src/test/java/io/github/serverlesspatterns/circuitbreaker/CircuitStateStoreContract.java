package io.github.serverlesspatterns.circuitbreaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link CircuitStateStore} passes; ships in this module's test-jar. Circuit
 * names are unique per test, so one store serves every test.
 */
public abstract class CircuitStateStoreContract {

    /** @return the store under test */
    protected abstract CircuitStateStore store();

    private static String newName() {
        return "contract-" + UUID.randomUUID();
    }

    private static CircuitState open(CircuitState from) {
        return from.opened(1_900_000_000_000L, 2, "").nextVersion();
    }

    @Test
    void load_ofAnUnknownCircuit_isEmpty() {
        assertTrue(store().load(newName()).isEmpty());
    }

    @Test
    void compareAndSet_onAnUnknownCircuitAtVersionZero_storesTheState() {
        String name = newName();
        CircuitState first = open(CircuitState.initial());
        assertTrue(store().compareAndSet(name, 0, first).isEmpty());
        assertEquals(first, store().load(name).orElseThrow());
        assertEquals(1, store().load(name).orElseThrow().version());
    }

    @Test
    void compareAndSet_withTheCurrentVersion_replacesIt_andTheVersionKeepsGrowing() {
        String name = newName();
        CircuitState v1 = open(CircuitState.initial());
        store().compareAndSet(name, 0, v1);
        CircuitState v2 = v1.probing(1, 0, 123).nextVersion();
        assertTrue(store().compareAndSet(name, 1, v2).isEmpty());
        CircuitState stored = store().load(name).orElseThrow();
        assertEquals(CircuitBreaker.State.HALF_OPEN, stored.state());
        assertEquals(2, stored.version());
        assertEquals(1, stored.probesInFlight());
        assertEquals(123, stored.lastProbeMillis());
    }

    @Test
    void compareAndSet_withAStaleVersion_changesNothing_andReturnsTheCurrentState() {
        String name = newName();
        CircuitState v1 = open(CircuitState.initial());
        store().compareAndSet(name, 0, v1);
        CircuitState stale = CircuitState.initial().counting(3, "").nextVersion();
        Optional<CircuitState> conflict = store().compareAndSet(name, 0, stale);
        assertEquals(v1, conflict.orElseThrow());
        assertEquals(v1, store().load(name).orElseThrow());
    }

    @Test
    void compareAndSet_expectingAVersionOfAnUnknownCircuit_returnsTheInitialState() {
        CircuitState next = CircuitState.initial().nextVersion().nextVersion();
        Optional<CircuitState> conflict = store().compareAndSet(newName(), 1, next);
        assertEquals(CircuitState.initial(), conflict.orElseThrow());
    }

    @Test
    void window_andAllCounters_roundTripThroughTheStore() {
        String name = newName();
        CircuitState rich = CircuitState.decode("v1|CLOSED|0|4|0101100111|0|3|0|0|0|").nextVersion(); // every counter set, as no single transition leaves them
        store().compareAndSet(name, 0, rich);
        CircuitState stored = store().load(name).orElseThrow();
        assertEquals("0101100111", stored.window());
        assertEquals(4, stored.consecutiveFailures());
        assertEquals(3, stored.openCount());
        assertEquals(60f, stored.failureRate());
    }

    @Test
    void concurrentCompareAndSets_fromOneVersion_exactlyOneWins() throws Exception {
        String name = newName();
        store().compareAndSet(name, 0, open(CircuitState.initial()));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> wins = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                int slot = i;
                wins.add(pool.submit(() -> {
                    start.await();
                    CircuitState mine = CircuitState.initial().nextVersion()
                            .halfOpened(0, 1).probing(1, 0, slot).nextVersion();
                    return store().compareAndSet(name, 1, mine).isEmpty();
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> w : wins) {
                winners += w.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners, "one instance wins the probe slot");
            assertEquals(2, store().load(name).orElseThrow().version());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void prime_writesNothing() {
        store().prime();
        org.junit.jupiter.api.Assertions.assertTrue(store().load(CircuitStateStore.PRIMING_NAME).isEmpty(), "priming stored a state");
    }

    // ---- the breaker's features, shared by two instances through this store ---------------------

    private final io.github.serverlesspatterns.testing.MutableClock clock =
            new io.github.serverlesspatterns.testing.MutableClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
    /** Each call's duration: the test moves it with the clock. */
    private final io.github.serverlesspatterns.testing.ManualTicker ticker = new io.github.serverlesspatterns.testing.ManualTicker();
    private final io.github.serverlesspatterns.core.Invocation invocation =
            io.github.serverlesspatterns.core.Invocation.builder().build();

    /** Two instances of one function: two breakers of one circuit on this store. */
    private CircuitBreaker[] twoInstances(CircuitBreakerConfig.Builder config) {
        String name = newName();
        CircuitBreakerConfig built = config.clock(clock).ticker(ticker).build();
        return new CircuitBreaker[] {CircuitBreaker.of(name, store(), built), CircuitBreaker.of(name, store(), built)};
    }

    private void call(CircuitBreaker breaker, boolean fails, java.time.Duration takes) {
        io.github.serverlesspatterns.core.Handler<String, String> h = io.github.serverlesspatterns.core.Decorators.decorate(
                (in, inv) -> {
                    clock.advance(takes);
                    ticker.advance(takes);
                    if (fails) {
                        throw new IllegalStateException("HTTP 503");
                    }
                    return "ok";
                }, breaker.decorator());
        try {
            h.handle("x", invocation);
        } catch (IllegalStateException | CallNotPermittedException expected) {
            // the downstream's failure, or a rejection
        }
    }

    private void calls(CircuitBreaker breaker, int n, boolean fails) {
        for (int i = 0; i < n; i++) {
            call(breaker, fails, java.time.Duration.ZERO);
        }
    }

    @Test
    void timeWindow_failuresOlderThanTheWindowDoNotCount_acrossInstances() {
        CircuitBreaker[] ab = twoInstances(CircuitBreakerConfig.builder()
                .failureRateOverTime(60, java.time.Duration.ofSeconds(10), 4));
        calls(ab[0], 3, true); // A: 3 failures, below the minimum of 4 calls
        clock.advance(java.time.Duration.ofSeconds(12)); // they leave the window
        calls(ab[1], 1, true);
        calls(ab[1], 2, false); // B: 1 failure in 3 calls (a count window would hold 4 failures in 6)
        assertEquals(CircuitBreaker.State.CLOSED, ab[1].state());
        assertEquals(-1f, ab[1].metrics().failureRate(), "3 calls in the window: not enough for a rate");
        calls(ab[1], 2, true); // 3 failures in 5 calls: 60 %
        assertEquals(CircuitBreaker.State.OPEN, ab[0].state(), "A sees the circuit B opened");
        assertTrue(ab[0].state() == CircuitBreaker.State.OPEN
                && store().load(ab[0].name()).orElseThrow().openReason().orElseThrow().startsWith("failure rate 60.0%"));
    }

    @Test
    void slowCallRate_opensOnSlowSuccesses_withoutCountingThemAsFailures() {
        java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        CircuitBreakerListener listener = new CircuitBreakerListener() {
            @Override
            public void onSlowCallRateExceeded(String name, float rate) {
                events.add("slow-rate:" + rate);
            }

            @Override
            public void onFailureRateExceeded(String name, float rate) {
                events.add("failure-rate:" + rate);
            }
        };
        CircuitBreaker[] ab = twoInstances(CircuitBreakerConfig.builder().failureRate(50, 4, 4)
                .slowCallRate(50, java.time.Duration.ofMillis(100)).listener(listener));
        call(ab[0], false, java.time.Duration.ofMillis(300));
        call(ab[0], false, java.time.Duration.ofMillis(300)); // A: two slow successes
        calls(ab[1], 2, false); // B: two fast ones: 50 % slow, 0 % failed
        assertEquals(CircuitBreaker.State.OPEN, ab[0].state());
        assertEquals(java.util.List.of("slow-rate:50.0"), events);
        assertEquals(0, ab[0].metrics().failedCalls() + ab[1].metrics().failedCalls(), "slow successes are not failures");
        assertEquals(2, ab[0].metrics().slowCalls());
    }

    @Test
    void manualTransitions_reachEveryInstance() {
        CircuitBreaker[] ab = twoInstances(CircuitBreakerConfig.builder().consecutiveFailures(2)
                .waitInOpen(java.time.Duration.ofSeconds(10)));
        ab[0].transitionToOpen();
        assertEquals(CircuitBreaker.State.OPEN, ab[1].state());
        CallNotPermittedException rejected = org.junit.jupiter.api.Assertions.assertThrows(CallNotPermittedException.class,
                () -> io.github.serverlesspatterns.core.Decorators.decorate(
                        (String in, io.github.serverlesspatterns.core.Invocation inv) -> "ok", ab[1].<String, String>decorator())
                        .handle("x", invocation));
        assertTrue(rejected.getMessage().contains("opened by hand"), rejected.getMessage());
        ab[0].transitionToHalfOpen();
        assertEquals(CircuitBreaker.State.HALF_OPEN, ab[1].state());
        calls(ab[1], 1, false); // B's call is the probe, and closes the circuit
        assertEquals(CircuitBreaker.State.CLOSED, ab[0].state());
        ab[1].transitionToOpen();
        ab[0].transitionToClosed();
        assertEquals(CircuitBreaker.State.CLOSED, ab[1].state());
    }

    @Test
    void metricsOnly_countsAndReportsTheThreshold_butNeverOpens_onEveryInstance() {
        java.util.concurrent.atomic.AtomicInteger exceeded = new java.util.concurrent.atomic.AtomicInteger();
        CircuitBreaker[] ab = twoInstances(CircuitBreakerConfig.builder().failureRate(50, 4, 4).listener(new CircuitBreakerListener() {
            @Override
            public void onFailureRateExceeded(String name, float rate) {
                exceeded.incrementAndGet();
            }
        }));
        ab[0].metricsOnly();
        assertEquals(CircuitBreaker.State.METRICS_ONLY, ab[1].state());
        calls(ab[1], 6, true);
        calls(ab[0], 2, true);
        assertEquals(CircuitBreaker.State.METRICS_ONLY, ab[0].state(), "never opens");
        assertEquals(1, exceeded.get(), "the crossing is reported once, not on every call above it");
        assertEquals(100f, ab[0].metrics().failureRate());
        ab[1].reset();
        assertEquals(CircuitBreaker.State.CLOSED, ab[0].state());
        assertEquals(0, ab[0].metrics().bufferedCalls(), "reset empties the window");
    }

    @Test
    void theEventStream_hearsEveryOutcome_rejection_transition_andReset() {
        java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        CircuitBreakerListener listener = new CircuitBreakerListener() {
            @Override
            public void onSuccess(String name, java.time.Duration elapsed) {
                events.add("success");
            }

            @Override
            public void onError(String name, java.time.Duration elapsed, Throwable error) {
                events.add("error:" + (error == null ? "none" : error.getMessage()));
            }

            @Override
            public void onIgnoredError(String name, java.time.Duration elapsed, Throwable error) {
                events.add("ignored");
            }

            @Override
            public void onStateTransition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
                events.add(from + "->" + to);
            }

            @Override
            public void onCallRejected(String name, CircuitBreaker.State state, java.time.Instant nextProbeAt) {
                events.add("rejected");
            }

            @Override
            public void onReset(String name) {
                events.add("reset");
            }
        };
        CircuitBreaker breaker = twoInstances(CircuitBreakerConfig.builder().consecutiveFailures(1)
                .ignoreException(e -> e instanceof IllegalArgumentException).listener(listener))[0];
        calls(breaker, 1, false);
        io.github.serverlesspatterns.core.Handler<String, String> invalid = io.github.serverlesspatterns.core.Decorators.decorate(
                (in, inv) -> {
                    throw new IllegalArgumentException("bad input");
                }, breaker.decorator());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> invalid.handle("x", invocation));
        calls(breaker, 2, true); // the second is rejected
        breaker.reset();
        assertEquals(java.util.List.of("success", "ignored", "error:HTTP 503", "CLOSED->OPEN", "rejected", "OPEN->CLOSED", "reset"),
                events);
    }
}
