package io.github.serverlesspatterns.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.testing.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator's timeouts read its ticker: a test moves the time by hand and the downstreams time
 * out exactly then, with no sleep and no dependence on the machine's speed.
 */
class AggregatorTickerTest {

    private final ManualTicker ticker = new ManualTicker();
    private final ExecutorService caller = Executors.newSingleThreadExecutor();
    /** The invocation's own clock stands still: only the ticker moves. */
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

    @AfterEach
    void stop() {
        caller.shutdownNow();
    }

    /**
     * A downstream that says when it runs and answers only when interrupted, and says so. A test
     * waits for {@code started} before moving the time: a call cancelled before its thread picked
     * it up never runs, and would never count {@code interrupted} down.
     */
    private static Handler<String, String> hanging(CountDownLatch started, CountDownLatch interrupted) {
        return (in, inv) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "late";
        };
    }

    /** Waits (bounded) until the aggregator is inside its wait: its start has been read, so time moved now counts. */
    private void awaitWaiting() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ticker.waiting() == 0) {
            assertTrue(System.nanoTime() < until, "the aggregator never started waiting");
            Thread.sleep(1);
        }
    }

    @Test
    void eachDownstreamTimesOut_whenTheTickerPassesItsOwnTimeout_andNotBefore() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch shortOneStopped = new CountDownLatch(1);
        CountDownLatch longOneStopped = new CountDownLatch(1);
        List<String> lines = new ArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Pages", lines::add, Clock.systemUTC());
        Aggregator<String, Map<String, Aggregator.Result>> aggregator = Aggregator.<String, Map<String, Aggregator.Result>>builder(r -> r)
                .downstream("prices", (in, inv) -> "p-" + in, Duration.ofSeconds(30))
                .downstream("stock", hanging(bothRunning, shortOneStopped), Duration.ofSeconds(1))
                .downstream("reviews", hanging(bothRunning, longOneStopped), Duration.ofSeconds(3))
                .policy(Aggregator.Policy.BEST_EFFORT)
                .metrics(metrics, "page")
                .ticker(ticker)
                .build();
        Invocation invocation = Invocation.builder().clock(clock).timeout(Duration.ofMinutes(1)).build();
        Future<Map<String, Aggregator.Result>> call = caller.submit(() -> aggregator.handle("sku-1", invocation));

        assertTrue(bothRunning.await(20, TimeUnit.SECONDS), "both hanging downstreams run");
        awaitWaiting();
        ticker.advance(Duration.ofSeconds(1));
        assertTrue(shortOneStopped.await(20, TimeUnit.SECONDS), "the 1 s downstream is stopped once 1 s has passed");
        assertEquals(1, longOneStopped.getCount(), "the 3 s downstream still runs: its time has not come");
        assertTrue(!call.isDone(), "the aggregator still waits for the 3 s downstream");

        ticker.advance(Duration.ofSeconds(2));
        Map<String, Aggregator.Result> results = call.get(20, TimeUnit.SECONDS);
        assertTrue(longOneStopped.await(20, TimeUnit.SECONDS));
        assertEquals("p-sku-1", results.get("prices").value());
        assertEquals("downstream 'stock' did not answer within PT1S",
                assertInstanceOf(TimeoutException.class, results.get("stock").error()).getMessage());
        assertEquals("downstream 'reviews' did not answer within PT3S",
                assertInstanceOf(TimeoutException.class, results.get("reviews").error()).getMessage());
        assertEquals(2, aggregator.abandonedCalls());

        metrics.flush();
        JsonNode page = new ObjectMapper().readTree(lines.stream().filter(l -> l.contains("\"Name\":\"page\"")).findFirst().orElseThrow());
        assertEquals(3000.0, page.path("Duration").get(0).asDouble(), "the reported duration is the ticker's: " + page);
    }

    @Test
    void theInvocationsRemainingTimeLessTheMargin_boundsADownstreamWithALongerTimeout() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Aggregator<String, Map<String, Aggregator.Result>> aggregator = Aggregator.<String, Map<String, Aggregator.Result>>builder(r -> r)
                .downstream("reports", hanging(running, stopped), Duration.ofSeconds(30))
                .margin(Duration.ofMillis(200))
                .ticker(ticker)
                .build();
        Invocation invocation = Invocation.builder().clock(clock).timeout(Duration.ofSeconds(5)).build();
        Future<Map<String, Aggregator.Result>> call = caller.submit(() -> aggregator.handle("r-1", invocation));

        assertTrue(running.await(20, TimeUnit.SECONDS), "the hanging downstream runs");
        awaitWaiting();
        ticker.advance(Duration.ofMillis(4_800));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
        AggregationException e = assertInstanceOf(AggregationException.class, failed.getCause(), "FAIL_FAST, the default");
        assertEquals("reports", e.downstream());
        assertEquals("downstream 'reports' did not answer within the invocation's remaining time", e.getCause().getMessage());
        assertTrue(stopped.await(20, TimeUnit.SECONDS));
    }
}
