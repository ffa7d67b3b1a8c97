package io.github.serverlesspatterns.testing;

import io.github.serverlesspatterns.core.Ticker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManualTickerTest {

    private final ManualTicker ticker = new ManualTicker();

    @Test
    void aPause_returnsAtOnce_andMovesTheTimeOnByItsLength() throws Exception {
        ticker.sleep(Duration.ofSeconds(30));
        ticker.sleep(Duration.ofMillis(500));
        assertEquals(Duration.ofMillis(30_500).toNanos(), ticker.nanoTime());
        assertEquals(2, ticker.pauses());
        assertEquals(Duration.ofMillis(30_500), ticker.paused());
    }

    @Test
    void aPause_onAnInterruptedThread_throws_andMovesNothing() {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> ticker.sleep(Duration.ofSeconds(1)));
        assertEquals(0, ticker.nanoTime());
        assertEquals(0, ticker.pauses());
    }

    @Test
    void aWaitForAQueue_returnsWhatIsThere_withoutMovingTheTime() throws Exception {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        queue.add("ready");
        assertEquals("ready", ticker.pollUntil(queue, Duration.ofHours(1).toNanos()));
        assertEquals(0, ticker.nanoTime());
    }

    @Test
    void aWaitForAQueue_endsOnlyWhenTheTimeIsMovedPastItsEnd() throws Exception {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            Future<String> waited = waiter.submit(() -> ticker.pollUntil(queue, Duration.ofSeconds(2).toNanos()));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ticker.waiting() == 0) {
                assertTrue(System.nanoTime() < until, "the waiter never started waiting");
                Thread.sleep(1);
            }
            ticker.advance(Duration.ofMillis(1_999));
            Thread.sleep(20); // long enough for a wait that ignored the ticker's time to be seen ending
            assertFalse(waited.isDone(), "1.999 s of a 2 s wait have passed");
            ticker.advance(Duration.ofMillis(1));
            assertNull(waited.get(20, TimeUnit.SECONDS), "the wait ends empty once its 2 s have passed");
            assertEquals(0, ticker.waiting());
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void aWaitWhoseEndTheTimeHasAlreadyReached_returnsAtOnce_soTimeMovedBeforeItStartsIsNotLost() throws Exception {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        long end = ticker.nanoTime() + Duration.ofSeconds(2).toNanos(); // computed by the waiter...
        ticker.advance(Duration.ofSeconds(2)); // ...then the test moves the time before the wait begins
        assertNull(ticker.pollUntil(queue, end));
        assertEquals(0, ticker.waiting());
    }

    @Test
    void aWaitForAQueue_endsWhenAnElementArrives() throws Exception {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            Future<String> waited = waiter.submit(() -> ticker.pollUntil(queue, Duration.ofSeconds(2).toNanos()));
            queue.add("done");
            assertEquals("done", waited.get(20, TimeUnit.SECONDS));
            assertEquals(0, ticker.nanoTime());
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void theSystemTicker_waitsForAQueueByTheSystemClock() throws Exception {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Ticker system = Ticker.system();
        assertNull(system.pollUntil(queue, system.nanoTime()));
        assertNull(system.pollUntil(queue, system.nanoTime() - TimeUnit.SECONDS.toNanos(1)), "an end already passed");
        queue.add("x");
        assertEquals("x", system.pollUntil(queue, system.nanoTime() + TimeUnit.SECONDS.toNanos(20)));
    }
}
