package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.circuitbreaker.CallNotPermittedException;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.InMemoryCircuitStateStore;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatorTest {

    private static final Handler<String, String> FAST = (in, inv) -> "profile of " + in;
    private static final Handler<String, String> SLOW = (in, inv) -> {
        try {
            Thread.sleep(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "late";
    };
    private static final Handler<String, String> FAILING = (in, inv) -> {
        throw new IllegalStateException("reviews service down");
    };

    private static Map<String, String> summary(Map<String, Aggregator.Result> results) {
        Map<String, String> out = new TreeMap<>();
        results.forEach((name, r) -> out.put(name, r.ok() ? String.valueOf(r.value()) : r.error().getClass().getSimpleName()));
        return out;
    }

    private static Invocation withDeadlineIn(Duration d) {
        return Invocation.builder().timeout(d).build();
    }

    @Test
    void bestEffort_mergesWhatArrived_withPerDownstreamErrors_beforeTheDeadline() {
        Aggregator<String, Map<String, String>> aggregator = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("profile", FAST, Duration.ofSeconds(5))
                .downstream("orders", SLOW, Duration.ofSeconds(5))
                .downstream("reviews", FAILING, Duration.ofSeconds(5))
                .policy(Aggregator.Policy.BEST_EFFORT).margin(Duration.ofMillis(500)).build();
        // 2.5 s of budget: the fast and the failing calls must answer within it on a loaded machine
        Invocation invocation = withDeadlineIn(Duration.ofSeconds(3));
        Map<String, String> merged = aggregator.handle("ann", invocation);
        assertTrue(invocation.remainingTime().compareTo(Duration.ZERO) > 0, "answered before the deadline");
        assertEquals(Map.of("profile", "profile of ann", "orders", "TimeoutException", "reviews", "IllegalStateException"), merged);
    }

    @Test
    void failFast_raisesNamingTheFailedDownstream_beforeTheDeadline() {
        Aggregator<String, Map<String, String>> aggregator = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("orders", SLOW, Duration.ofMillis(300))
                .downstream("reviews", FAST, Duration.ofSeconds(5)).build();
        Invocation invocation = withDeadlineIn(Duration.ofSeconds(2));
        AggregationException e = assertThrows(AggregationException.class, () -> aggregator.handle("ann", invocation));
        assertEquals("orders", e.downstream(), "its own 300 ms timeout ran out first");
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(invocation.remainingTime().compareTo(Duration.ZERO) > 0);

        Aggregator<String, Map<String, String>> failing = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("profile", FAST, Duration.ofSeconds(1)).downstream("reviews", FAILING, Duration.ofSeconds(1)).build();
        AggregationException e2 = assertThrows(AggregationException.class,
                () -> failing.handle("ann", withDeadlineIn(Duration.ofSeconds(2))));
        assertEquals("reviews", e2.downstream());
        assertTrue(e2.getMessage().contains("reviews service down"), e2.getMessage());
    }

    @Test
    void aDownstreamBehindACircuitBreaker_isRejectedAtOnceOnceItsCircuitIsOpen() {
        CircuitBreaker breaker = CircuitBreaker.of("reviews", new InMemoryCircuitStateStore(),
                CircuitBreakerConfig.builder().consecutiveFailures(1).build());
        Aggregator<String, Map<String, String>> aggregator = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("profile", FAST, Duration.ofSeconds(1))
                .downstream("reviews", Decorators.decorate(FAILING, breaker.decorator()), Duration.ofSeconds(1))
                .policy(Aggregator.Policy.BEST_EFFORT).build();
        assertEquals("IllegalStateException", aggregator.handle("a", withDeadlineIn(Duration.ofSeconds(2))).get("reviews"));
        assertEquals(CallNotPermittedException.class.getSimpleName(), aggregator.handle("a", withDeadlineIn(Duration.ofSeconds(2))).get("reviews"));
    }

    @Test
    void config_isValidated() {
        assertThrows(IllegalStateException.class, () -> Aggregator.<String, String>builder(r -> "").build());
        assertThrows(IllegalArgumentException.class, () -> Aggregator.<String, String>builder(r -> "")
                .downstream("a", FAST, Duration.ofSeconds(1)).downstream("a", FAST, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> Aggregator.<String, String>builder(r -> "").downstream("a", FAST, Duration.ZERO));
    }

    @Test
    void failFast_surfacesTheFirstFailureAsItHappens_notInDeclarationOrder_andStopsTheSlowOne() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
        Handler<String, String> hanging = (in, inv) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "late";
        };
        Aggregator<String, Map<String, String>> aggregator = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("orders", hanging, Duration.ofSeconds(30))   // declared first, answers never
                .downstream("reviews", failingOnceOrdersRuns(started), Duration.ofSeconds(30)).build();
        AggregationException e = assertThrows(AggregationException.class,
                () -> aggregator.handle("ann", withDeadlineIn(Duration.ofMinutes(1))));
        assertEquals("reviews", e.downstream());
        assertTrue(interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS), "the slow call was stopped, not left running");
        assertEquals(1, aggregator.abandonedCalls());
    }

    @Test
    void bestEffort_withTwoDownstreamsTimingOutAtDifferentTimes_mergesBothTimeouts() {
        Aggregator<String, Map<String, String>> aggregator = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("stock", SLOW, Duration.ofMillis(50))
                .downstream("reviews", SLOW, Duration.ofMillis(300))
                .policy(Aggregator.Policy.BEST_EFFORT).build();
        assertEquals(Map.of("stock", "TimeoutException", "reviews", "TimeoutException"),
                aggregator.handle("a", withDeadlineIn(Duration.ofSeconds(30))));
    }

    /** Fails only once the hanging call is running: a call cancelled before it starts is never interrupted. */
    private static Handler<String, String> failingOnceOrdersRuns(java.util.concurrent.CountDownLatch started) {
        return (in, inv) -> {
            try {
                started.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("reviews down");
        };
    }

    @Test
    void eachDownstream_runsUnderItsOwnDeadline_withTheCallersRequestId() {
        java.util.List<Invocation> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler<String, String> recording = (in, inv) -> {
            seen.add(inv);
            return "ok";
        };
        Aggregator<String, Map<String, String>> aggregator = Aggregator.<String, Map<String, String>>builder(AggregatorTest::summary)
                .downstream("a", recording, Duration.ofSeconds(1)).downstream("b", recording, Duration.ofMinutes(5))
                .margin(Duration.ofSeconds(1)).build();
        Invocation caller = Invocation.builder().requestId("req-9").timeout(Duration.ofSeconds(20)).build();
        aggregator.handle("x", caller);
        assertEquals(2, seen.size());
        for (Invocation inv : seen) {
            assertEquals("req-9", inv.requestId());
            assertTrue(!inv.deadline().isAfter(caller.deadline().minusSeconds(1)), "within the caller's deadline less the margin");
        }
        assertTrue(seen.stream().anyMatch(inv -> inv.remainingTime().compareTo(Duration.ofSeconds(1)) <= 0), "a: its own 1 s");
    }
}
