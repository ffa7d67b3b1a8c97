package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.testing.ManualTicker;
import io.github.serverlesspatterns.testing.MutableClock;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryCircuitStateStore store = new InMemoryCircuitStateStore();
    private final AtomicBoolean downstreamUp = new AtomicBoolean(false);
    private final AtomicInteger downstreamCalls = new AtomicInteger();
    private final Handler<String, String> downstream = (in, inv) -> {
        downstreamCalls.incrementAndGet();
        if (!downstreamUp.get()) {
            throw new IllegalStateException("HTTP 503 from partner API");
        }
        return "ok:" + in;
    };
    private final Invocation invocation = Invocation.builder().build();
    private final ManualTicker ticker = new ManualTicker();

    private CircuitBreakerConfig.Builder config() {
        return CircuitBreakerConfig.builder().clock(clock).ticker(ticker).consecutiveFailures(3).waitInOpen(Duration.ofSeconds(10))
                .backoff(2.0, Duration.ofSeconds(60));
    }

    private Handler<String, String> guarded(CircuitBreaker breaker) {
        return Decorators.decorate(downstream, breaker.decorator());
    }

    private static void callIgnoringFailure(Handler<String, String> h, Invocation inv) {
        try {
            h.handle("x", inv);
        } catch (IllegalStateException expected) {
            // the downstream's own failure
        }
    }

    private void failTimes(Handler<String, String> h, int n) {
        for (int i = 0; i < n; i++) {
            callIgnoringFailure(h, invocation);
        }
    }

    @Test
    void consecutiveFailures_openTheCircuit_andRejectWithAClearError() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 3);
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> h.handle("x", invocation));
        assertEquals(3, downstreamCalls.get(), "the rejected call never reached the downstream");
        assertEquals(CircuitBreaker.State.OPEN, e.state());
        assertEquals("partner", e.circuit());
        assertEquals(clock.instant().plusSeconds(10), e.nextProbeAt().orElseThrow());
        assertTrue(e.getMessage().contains("circuit 'partner' is OPEN; next probe at 2030-01-01T00:00:10Z"), e.getMessage());
        assertTrue(e instanceof PatternsException);
    }

    @Test
    void aSuccess_resetsTheConsecutiveCount() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 2);
        downstreamUp.set(true);
        h.handle("x", invocation);
        downstreamUp.set(false);
        failTimes(h, 2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void userExceptions_passThroughUnchanged() {
        IllegalArgumentException mine = new IllegalArgumentException("bad order");
        Handler<String, String> h = Decorators.decorate((in, inv) -> {
            throw mine;
        }, CircuitBreaker.of("partner", store, config().build()).decorator());
        assertSame(mine, assertThrows(IllegalArgumentException.class, () -> h.handle("x", invocation)));
    }

    @Test
    void afterTheWait_halfOpenAdmitsTheConfiguredProbes_andRejectsTheRest() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().halfOpen(2, 2).build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 3);
        clock.advance(Duration.ofSeconds(10));
        // three nested calls: the third is attempted while the first two probes are still in flight
        List<String> outcomes = new ArrayList<>();
        Handler<String, String> third = Decorators.decorate((in, inv) -> "third-ran", breaker.decorator());
        Handler<String, String> second = Decorators.decorate((in, inv) -> {
            outcomes.add(attempt(third, "third"));
            return "second-ran";
        }, breaker.decorator());
        Handler<String, String> first = Decorators.decorate((in, inv) -> {
            outcomes.add(attempt(second, "second"));
            return "first-ran";
        }, breaker.decorator());
        outcomes.add(first.handle("first", invocation));
        assertEquals(List.of("rejected HALF_OPEN", "second-ran", "first-ran"), outcomes);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "two successful probes closed it");
    }

    private String attempt(Handler<String, String> h, String in) {
        try {
            return h.handle(in, invocation);
        } catch (CallNotPermittedException e) {
            return "rejected " + e.state();
        }
    }

    @Test
    void successfulProbes_closeTheCircuit_andResetTheBackoff() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().halfOpen(1, 2).build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 3);
        clock.advance(Duration.ofSeconds(10));
        downstreamUp.set(true);
        h.handle("probe-1", invocation);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        h.handle("probe-2", invocation);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        downstreamUp.set(false);
        failTimes(h, 3);
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> h.handle("x", invocation));
        assertEquals(clock.instant().plusSeconds(10), e.nextProbeAt().orElseThrow(), "backoff starts again at the base wait");
    }

    @Test
    void failedProbes_reopenWithAGrowingWait_upToTheCap() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().backoff(2.0, Duration.ofSeconds(30)).build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 3);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant nextProbe = assertThrows(CallNotPermittedException.class, () -> h.handle("x", invocation)).nextProbeAt().orElseThrow();
            waits.add(Duration.between(clock.instant(), nextProbe).toSeconds());
            clock.advance(Duration.between(clock.instant(), nextProbe));
            callIgnoringFailure(h, invocation); // the probe fails
        }
        assertEquals(List.of(10L, 20L, 30L, 30L), waits);
    }

    @Test
    void jitter_keepsTheWaitWithinItsBounds_andEveryInstanceSeesTheSameProbeTime() {
        CircuitBreakerConfig jittered = config().jitter(0.5).build();
        CircuitBreaker a = CircuitBreaker.of("partner", store, jittered);
        CircuitBreaker b = CircuitBreaker.of("partner", store, jittered);
        failTimes(guarded(a), 3);
        Instant seenByA = assertThrows(CallNotPermittedException.class, () -> guarded(a).handle("x", invocation)).nextProbeAt().orElseThrow();
        Instant seenByB = assertThrows(CallNotPermittedException.class, () -> guarded(b).handle("x", invocation)).nextProbeAt().orElseThrow();
        assertEquals(seenByA, seenByB);
        long wait = Duration.between(clock.instant(), seenByA).toMillis();
        assertTrue(wait >= 5_000 && wait <= 15_000, "wait " + wait);
    }

    @Test
    void anotherInstance_isRejectedWithinOneCall_afterTheCircuitOpens() {
        CircuitBreaker a = CircuitBreaker.of("partner", store, config().build());
        CircuitBreaker b = CircuitBreaker.of("partner", store, config().build());
        downstreamUp.set(true);
        guarded(b).handle("x", invocation); // b has a fresh CLOSED view
        downstreamUp.set(false);
        failTimes(guarded(a), 3);
        int before = downstreamCalls.get();
        try {
            guarded(b).handle("x", invocation); // at most one stale call: its outcome's round trip learns OPEN
        } catch (IllegalStateException | CallNotPermittedException expected) {
            // either the stale call failed at the downstream, or b saw OPEN at once
        }
        assertThrows(CallNotPermittedException.class, () -> guarded(b).handle("x", invocation));
        assertTrue(downstreamCalls.get() - before <= 1);
    }

    @Test
    void failureRate_opensOnlyAfterTheMinimumCalls_andAtTheThreshold() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().failureRate(50, 10, 6).build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 5); // 5 of 5 failed, but fewer than 6 calls
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        downstreamUp.set(true);
        h.handle("x", invocation); // 5 of 6 = 83%
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    }

    @Test
    void failureRate_belowTheThreshold_staysClosed() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().failureRate(50, 10, 4).build());
        Handler<String, String> h = guarded(breaker);
        for (int i = 0; i < 20; i++) {
            downstreamUp.set(i % 3 != 2); // one in three fails
            callIgnoringFailure(h, invocation);
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertTrue(breaker.metrics().failureRate() > 0 && breaker.metrics().failureRate() < 50);
    }

    @Test
    void slowCalls_countAsFailures() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().slowCallDuration(Duration.ofSeconds(2)).build());
        Handler<String, String> slow = Decorators.decorate((in, inv) -> {
            ticker.advance(Duration.ofSeconds(3)); // the call's duration is the ticker's, not the wall clock's
            return "late";
        }, breaker.decorator());
        for (int i = 0; i < 3; i++) {
            assertEquals("late", slow.handle("x", invocation), "the slow call's own result is still returned");
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertEquals(3, breaker.metrics().slowCalls());
    }

    @Test
    void aCallsDuration_isTheTickers_soAWallClockStepNeverMakesItSlow_andListenersSeeItToTheNanosecond() {
        List<Duration> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().slowCallDuration(Duration.ofSeconds(2))
                .listener(new CircuitBreakerListener() {
                    @Override
                    public void onSuccess(String name, Duration elapsed) {
                        seen.add(elapsed);
                    }
                }).build());
        Handler<String, String> h = Decorators.decorate((in, inv) -> {
            clock.advance(Duration.ofHours(1)); // the wall clock is stepped (NTP) while the call runs
            ticker.advance(Duration.ofNanos(1_500_000));
            return "ok";
        }, breaker.decorator());
        for (int i = 0; i < 3; i++) {
            assertEquals("ok", h.handle("x", invocation));
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertEquals(0, breaker.metrics().slowCalls());
        assertEquals(List.of(Duration.ofNanos(1_500_000), Duration.ofNanos(1_500_000), Duration.ofNanos(1_500_000)), seen);
    }

    @Test
    void ignoredExceptions_andPredicates_decideWhatCounts() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config()
                .ignoreException(e -> e instanceof IllegalArgumentException)
                .recordResult(r -> "HTTP 503".equals(r)).build());
        Handler<String, String> h = Decorators.decorate((in, inv) -> {
            if (in.equals("bad-input")) {
                throw new IllegalArgumentException("validation");
            }
            return "HTTP 503";
        }, breaker.decorator());
        for (int i = 0; i < 5; i++) {
            assertThrows(IllegalArgumentException.class, () -> h.handle("bad-input", invocation));
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "ignored exceptions do not count");
        for (int i = 0; i < 3; i++) {
            h.handle("x", invocation);
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "a result can count as a failure");
    }

    @Test
    void fallback_answersRejectedCalls() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().build());
        Handler<String, String> h = Decorators.decorate(downstream,
                breaker.decorator((in, inv, rejection) -> "cached:" + in + " (" + rejection.state() + ")"));
        failTimes(h, 3);
        assertEquals("cached:x (OPEN)", h.handle("x", invocation));
    }

    @Test
    void listener_hearsTransitionsAndRejections_andItsExceptionsNeverBreakACall() {
        List<String> heard = new ArrayList<>();
        CircuitBreakerListener listener = new CircuitBreakerListener() {
            @Override
            public void onStateTransition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
                heard.add(from + "->" + to);
                throw new RuntimeException("listener bug");
            }

            @Override
            public void onCallRejected(String name, CircuitBreaker.State state, Instant nextProbeAt) {
                heard.add("rejected " + state);
                throw new RuntimeException("listener bug");
            }
        };
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().listener(listener).build());
        Handler<String, String> h = guarded(breaker);
        failTimes(h, 3);
        assertThrows(CallNotPermittedException.class, () -> h.handle("x", invocation));
        clock.advance(Duration.ofSeconds(10));
        downstreamUp.set(true);
        h.handle("x", invocation);
        assertEquals(List.of("CLOSED->OPEN", "rejected OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), heard);
    }

    @Test
    void forceOpen_disable_andReset_reachEveryInstance() {
        CircuitBreaker a = CircuitBreaker.of("partner", store, config().build());
        CircuitBreaker b = CircuitBreaker.of("partner", store, config().build());
        downstreamUp.set(true);
        a.forceOpen();
        CallNotPermittedException e = assertThrows(CallNotPermittedException.class, () -> guarded(b).handle("x", invocation));
        assertEquals(CircuitBreaker.State.FORCED_OPEN, e.state());
        a.disable();
        clock.advance(Duration.ofSeconds(11)); // b trusts its FORCED_OPEN view for the open wait at most
        downstreamUp.set(false);
        failTimes(guarded(b), 10);
        assertEquals(CircuitBreaker.State.DISABLED, b.state(), "nothing is counted while disabled");
        a.reset();
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
    }

    /** A store that counts calls and can be made to fail. */
    static final class CountingStore implements CircuitStateStore {
        final CircuitStateStore delegate;
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean down;

        CountingStore(CircuitStateStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<CircuitState> load(String name) {
            calls.incrementAndGet();
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
            return delegate.load(name);
        }

        @Override
        public Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next) {
            calls.incrementAndGet();
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
            return delegate.compareAndSet(name, expectedVersion, next);
        }

        @Override
        public String describe() {
            return "counting store";
        }
    }

    @Test
    void closedCalls_costAtMostOneRoundTripEach() {
        CountingStore counting = new CountingStore(store);
        Handler<String, String> h = guarded(CircuitBreaker.of("partner", counting, config().build()));
        downstreamUp.set(true);
        for (int i = 0; i < 100; i++) {
            h.handle("x", invocation);
            clock.advance(Duration.ofMillis(5));
        }
        assertTrue(counting.calls.get() <= 100, "round trips " + counting.calls.get());
    }

    @Test
    void localReadCache_cutsRoundTripsBelowOneInTen_butWritesFailuresAtOnce() {
        CountingStore counting = new CountingStore(store);
        CircuitBreaker breaker = CircuitBreaker.of("partner", counting, config().localReadStaleness(Duration.ofSeconds(1)).build());
        Handler<String, String> h = guarded(breaker);
        downstreamUp.set(true);
        for (int i = 0; i < 1000; i++) {
            h.handle("x", invocation);
            clock.advance(Duration.ofMillis(5)); // 200 calls per second
        }
        assertTrue(counting.calls.get() < 100, "round trips " + counting.calls.get());
        downstreamUp.set(false);
        failTimes(h, 3);
        CircuitBreaker other = CircuitBreaker.of("partner", counting, config().build());
        assertEquals(CircuitBreaker.State.OPEN, other.state(), "the OPEN transition was written through at once");
    }

    @Test
    void storeDown_byDefaultFallsBackToALocalBreaker_andTheStoreErrorNeverReachesTheCaller() {
        CountingStore flaky = new CountingStore(store);
        CircuitBreaker breaker = CircuitBreaker.of("partner", flaky, config().build());
        Handler<String, String> h = guarded(breaker);
        flaky.down = true;
        downstreamUp.set(true);
        assertEquals("ok:x", h.handle("x", invocation));
        downstreamUp.set(false);
        failTimes(h, 3);
        assertThrows(CallNotPermittedException.class, () -> h.handle("x", invocation), "the local breaker still protects");
        assertTrue(breaker.metrics().storeErrors() >= 1);
    }

    @Test
    void storeDown_withRejectPolicy_rejects_andWithThrowPolicy_throwsAStoreError() {
        CountingStore flaky = new CountingStore(store);
        flaky.down = true;
        downstreamUp.set(true);
        Handler<String, String> rejecting = guarded(CircuitBreaker.of("partner", flaky,
                config().onStoreFailure(CircuitBreakerConfig.StoreFailurePolicy.REJECT, Duration.ofSeconds(1)).build()));
        CallNotPermittedException rejected = assertThrows(CallNotPermittedException.class, () -> rejecting.handle("x", invocation));
        assertTrue(rejected.getMessage().contains("counting store) is unreachable"), rejected.getMessage());
        Handler<String, String> throwing = guarded(CircuitBreaker.of("partner", flaky,
                config().onStoreFailure(CircuitBreakerConfig.StoreFailurePolicy.THROW, Duration.ofSeconds(1)).build()));
        CircuitBreakerStoreException thrown = assertThrows(CircuitBreakerStoreException.class, () -> throwing.handle("x", invocation));
        assertTrue(thrown.getMessage().contains("circuit 'partner'"), thrown.getMessage());
        assertEquals(0, downstreamCalls.get());
    }

    @Test
    void config_validatesAtTheSetter_andConflictsAtBuild() {
        assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.builder().consecutiveFailures(0));
        assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.builder().failureRate(0, 10, 5));
        assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.builder().failureRate(50, 10, 11));
        assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.builder().jitter(1.5));
        assertThrows(IllegalArgumentException.class, () -> CircuitBreakerConfig.builder().halfOpen(0, 1));
        assertThrows(NullPointerException.class, () -> CircuitBreakerConfig.builder().waitInOpen(null));
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> CircuitBreakerConfig.builder()
                .waitInOpen(Duration.ofSeconds(5)).localReadStaleness(Duration.ofSeconds(5)).build());
        assertTrue(stale.getMessage().contains("must be shorter than waitInOpen"), stale.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CircuitBreaker.of("bad name", store, CircuitBreakerConfig.ofDefaults()));
        CircuitBreakerConfig defaults = CircuitBreakerConfig.ofDefaults();
        assertEquals(CircuitBreakerConfig.DEFAULT_FAILURE_THRESHOLD, defaults.failureThreshold());
        assertEquals(defaults.waitInOpen(), defaults.toBuilder().build().waitInOpen());
    }

    @Test
    void prime_readsTheSharedStateWithoutChangingItOrTheMetrics() {
        CircuitBreaker breaker = CircuitBreaker.of("primed", store, config().build());
        CircuitBreakerMetrics before = breaker.metrics();
        breaker.prime();
        org.junit.jupiter.api.Assertions.assertTrue(store.load("primed").isEmpty(), "priming wrote a state");
        org.junit.jupiter.api.Assertions.assertTrue(store.load(CircuitStateStore.PRIMING_NAME).isEmpty(), "priming wrote a state");
        org.junit.jupiter.api.Assertions.assertEquals(before, breaker.metrics());
    }

    @Test
    void undeclaredCheckedExceptions_countAsFailures_andPassThroughUnchanged() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().build());
        java.io.IOException io = new java.io.IOException("connection reset");
        Handler<String, String> h = Decorators.decorate((in, inv) -> {
            downstreamCalls.incrementAndGet();
            throw Failures.rethrow(io);
        }, breaker.decorator());
        for (int i = 0; i < 3; i++) {
            Throwable thrown = assertThrows(Throwable.class, () -> h.handle("x", invocation));
            assertSame(io, thrown, "the caller sees exactly what the handler threw");
        }
        assertThrows(CallNotPermittedException.class, () -> h.handle("x", invocation));
        assertEquals(3, downstreamCalls.get());
        assertEquals(3, breaker.metrics().failedCalls());
    }

    @Test
    void aHalfOpenProbe_thatThrowsACheckedException_freesItsSlotAtOnce() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().halfOpen(1, 1).build());
        failTimes(guarded(breaker), 3);
        clock.advance(Duration.ofSeconds(10));
        Handler<String, String> probe = Decorators.decorate((in, inv) -> {
            throw Failures.rethrow(new java.util.concurrent.TimeoutException("partner timed out"));
        }, breaker.decorator());
        assertThrows(java.util.concurrent.TimeoutException.class, () -> probe.handle("x", invocation));
        // the failed probe reopened the circuit (it did not keep its slot until the probe timeout)
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        clock.advance(Duration.ofSeconds(20)); // the backoff doubled the wait
        downstreamUp.set(true);
        assertEquals("ok:x", guarded(breaker).handle("x", invocation), "the next probe got the slot");
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void anError_fromTheHandler_isRecordedAsAFailure() {
        CircuitBreaker breaker = CircuitBreaker.of("partner", store, config().build());
        Handler<String, String> h = Decorators.decorate((in, inv) -> {
            throw new ExceptionInInitializerError("static init of the partner client failed");
        }, breaker.decorator());
        for (int i = 0; i < 3; i++) {
            assertThrows(ExceptionInInitializerError.class, () -> h.handle("x", invocation));
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    }

    @Test
    void aProbeOutcome_isRecordedInItsStore_evenWhenAnotherInvocationsStoreErrorDroppedTheView() {
        InMemoryCircuitStateStore shared = new InMemoryCircuitStateStore();
        CountingStore flaky = new CountingStore(shared); // fails while down is set, as Redis or DynamoDB do in an outage
        CircuitBreaker breaker = CircuitBreaker.of("partner", flaky, config().halfOpen(1, 1).build());
        failTimes(guarded(breaker), 3);
        clock.advance(Duration.ofSeconds(10));
        Handler<String, String> other = guarded(breaker);
        Handler<String, String> probe = Decorators.decorate((in, inv) -> {
            flaky.down = true; // while the probe runs, another invocation meets a store error...
            callIgnoringFailure(other, inv);
            flaky.down = false; // ...and the store is back when the probe ends
            return "probe-ok";
        }, breaker.decorator());
        assertEquals("probe-ok", probe.handle("x", invocation));
        assertEquals(CircuitBreaker.State.CLOSED, shared.load("partner").orElseThrow().state(),
                "the probe's success reached the shared store: its slot is not left taken until the probe timeout");
    }

    @Test
    void aStoreOutage_neverShowsTheStoresOwnException_andTheListenerHearsEveryError() {
        for (CircuitBreakerConfig.StoreFailurePolicy policy : CircuitBreakerConfig.StoreFailurePolicy.values()) {
            CountingStore flaky = new CountingStore(new InMemoryCircuitStateStore());
            AtomicInteger heard = new AtomicInteger();
            CircuitBreaker breaker = CircuitBreaker.of("partner", flaky, config().onStoreFailure(policy, Duration.ofSeconds(1))
                    .listener(new CircuitBreakerListener() {
                        @Override
                        public void onStoreError(String name, RuntimeException error) {
                            heard.incrementAndGet();
                        }
                    }).build());
            Handler<String, String> h = guarded(breaker);
            downstreamUp.set(true);
            h.handle("x", invocation); // a view from the shared store
            flaky.down = true;
            int storeErrorsSeen = 0;
            for (int i = 0; i < 12; i++) {
                clock.advance(Duration.ofMillis(400)); // across several retry intervals
                try {
                    h.handle("x", invocation);
                } catch (CircuitBreakerStoreException | CallNotPermittedException expected) {
                    storeErrorsSeen++;
                } catch (RuntimeException raw) {
                    throw new AssertionError(policy + ": the store's own exception reached the caller", raw);
                }
            }
            if (policy == CircuitBreakerConfig.StoreFailurePolicy.FALLBACK_TO_LOCAL) {
                assertEquals(0, storeErrorsSeen, "the default goes on locally");
            } else {
                // the first call may pass on its trusted view (its outcome write then fails); every later one is answered
                assertEquals(11, storeErrorsSeen, policy + " answers every call while the store is down, never going local");
            }
            assertEquals(breaker.metrics().storeErrors(), heard.get(), policy + ": the listener heard every store error");
            assertTrue(heard.get() >= 4, policy + ": " + heard.get());
        }
    }

    @Test
    void afterTheStoreLostTheState_aWarmInstance_followsTheNewSharedState() {
        LosingStore losing = new LosingStore();
        CircuitBreaker warm = CircuitBreaker.of("partner", losing, config().consecutiveFailures(3).build());
        CircuitBreaker other = CircuitBreaker.of("partner", losing, config().consecutiveFailures(3).build());
        Handler<String, String> warmCalls = guarded(warm);
        for (int i = 0; i < 5; i++) { // the state's version climbs: CLOSED with failures, then reset by a success
            downstreamUp.set(false);
            failTimes(warmCalls, 2);
            downstreamUp.set(true);
            warmCalls.handle("x", invocation);
        }
        assertTrue(losing.load("partner").orElseThrow().version() >= 10);
        downstreamUp.set(false);
        losing.loseEverything(); // Redis restarted empty
        failTimes(guarded(other), 3); // another instance opens the circuit in the new store, at a low version
        assertEquals(CircuitBreaker.State.OPEN, losing.load("partner").orElseThrow().state());
        int before = downstreamCalls.get();
        for (int i = 0; i < 10; i++) {
            callIgnoringRejection(warmCalls);
        }
        assertTrue(downstreamCalls.get() - before <= 1,
                "the warm instance follows the OPEN state instead of its higher old version: " + (downstreamCalls.get() - before));
    }

    private void callIgnoringRejection(Handler<String, String> h) {
        try {
            h.handle("x", invocation);
        } catch (IllegalStateException | CallNotPermittedException expected) {
            // the partner's failure, or a rejection
        }
    }

    @Test
    void afterARestore_theBreakerReadsTheSharedStateAgain_insteadOfTrustingItsViewFromTheSnapshot() {
        InMemoryCircuitStateStore shared = new InMemoryCircuitStateStore();
        CountingStore counting = new CountingStore(shared);
        CircuitBreaker restored = CircuitBreaker.of("partner", counting, config().build());
        downstreamUp.set(true);
        guarded(restored).handle("x", invocation); // its CLOSED view is now in the snapshot
        CircuitBreaker.of("partner", shared, config().build()).forceOpen(); // meanwhile the fleet forced the circuit open
        restored.afterRestore();
        int before = downstreamCalls.get();
        assertThrows(CallNotPermittedException.class, () -> guarded(restored).handle("x", invocation),
                "a trusted view from before the snapshot would have let this call through");
        assertEquals(before, downstreamCalls.get());
    }
}
