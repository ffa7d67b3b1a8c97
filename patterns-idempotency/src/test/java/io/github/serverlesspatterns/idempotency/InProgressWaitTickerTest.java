package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.ManualTicker;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wait for an in-progress duplicate runs on the config's ticker: with the kit's
 * {@link ManualTicker} a 30-second wait takes its whole backoff schedule (20 ms doubling to
 * 500 ms) without sleeping, and the test counts the pauses instead of timing them.
 */
class InProgressWaitTickerTest {

    record Order(String id) {
    }

    @Test
    void aDuplicateWaitingForAnInProgressRun_backsOffOnTheTicker_forExactlyItsWait_thenIsRejected() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Handler<Order, String> slow = Decorators.decorate((order, inv) -> {
            running.countDown();
            await(finish);
            return "receipt-" + order.id();
        }, Idempotency.of(store, IdempotencyConfig.<Order, String>builder("orders", Order::id, Codecs.utf8()).clock(clock).build()));
        ManualTicker ticker = new ManualTicker();
        Duration maxWait = Duration.ofSeconds(30);
        Handler<Order, String> duplicate = Decorators.decorate((order, inv) -> "ran twice", Idempotency.of(store,
                IdempotencyConfig.<Order, String>builder("orders", Order::id, Codecs.utf8()).clock(clock)
                        .waitForInProgress(maxWait).ticker(ticker).build()));
        try {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(
                    () -> slow.handle(new Order("o-1"), Invocation.builder().clock(clock).timeout(Duration.ofMinutes(15)).build()));
            assertTrue(running.await(1, TimeUnit.MINUTES));

            IdempotencyInProgressException e = assertThrows(IdempotencyInProgressException.class,
                    () -> duplicate.handle(new Order("o-1"), Invocation.builder().clock(clock).timeout(Duration.ofMinutes(15)).build()));

            assertEquals(maxWait, ticker.paused(), "the duplicate waited exactly its maximum, on the ticker");
            assertEquals(expectedPauses(maxWait), ticker.pauses(), "20 ms doubling to 500 ms, then 500 ms until the wait ends");
            assertTrue(e.getMessage().contains("IN_PROGRESS"), e.getMessage());
            finish.countDown();
            assertEquals("receipt-o-1", first.get(1, TimeUnit.MINUTES));
        } finally {
            finish.countDown();
        }
    }

    /** The documented schedule: a pause of 20 ms, doubling up to 500 ms, the last one cut to what is left. */
    private static long expectedPauses(Duration wait) {
        long left = wait.toNanos();
        long pause = IdempotencyConfig.INITIAL_WAIT_BACKOFF.toNanos();
        long pauses = 0;
        while (left > 0) {
            left -= Math.min(pause, left);
            pauses++;
            pause = Math.min(pause * 2, IdempotencyConfig.MAX_WAIT_BACKOFF.toNanos());
        }
        return pauses;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
