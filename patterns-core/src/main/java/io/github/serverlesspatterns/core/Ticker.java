package io.github.serverlesspatterns.core;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The library's source of elapsed time for its waits and timings: the idempotency decorator's
 * wait for an in-progress duplicate and the cache's wait for another instance's load read it and
 * pause through it, the aggregator waits for its downstreams through {@link #poll}, and the store,
 * load and call timings the library reports are measured with it. The default
 * is the system's monotonic clock; tests give a ticker they move by hand, so that a wait runs
 * without sleeping (the test kit's {@code ManualTicker} advances itself on every pause). Wall-clock
 * times (expiries, deadlines) stay with {@link java.time.Clock}. Implementations must be thread-safe.
 */
public interface Ticker {

    /** @return a reading in nanoseconds, meaningful only as a difference with another reading */
    long nanoTime();

    /**
     * Pauses the calling thread.
     *
     * @param nanos how long, at least 0
     * @throws InterruptedException if the thread is interrupted meanwhile
     */
    void sleep(long nanos) throws InterruptedException;

    /**
     * Pauses the calling thread.
     *
     * @param pause how long
     * @throws InterruptedException if the thread is interrupted meanwhile
     */
    default void sleep(Duration pause) throws InterruptedException {
        sleep(pause.toNanos());
    }

    /**
     * Waits for the next element of a queue that other threads fill, for at most {@code nanos} of
     * this ticker's time: how a wait for work running elsewhere (the aggregator's downstream calls)
     * is bounded. The default waits on the queue for that long by the system's clock, which is
     * right for any ticker that follows it; a ticker moved by hand overrides it to end the wait
     * when its own time passes the end (the test kit's {@code ManualTicker} does).
     *
     * @param queue where the awaited elements arrive
     * @param nanos how long to wait at most, at least 0
     * @param <T>   the element type
     * @return the next element, or {@code null} if none came in time
     * @throws InterruptedException if the thread is interrupted meanwhile
     */
    default <T> T poll(BlockingQueue<T> queue, long nanos) throws InterruptedException {
        return queue.poll(nanos, TimeUnit.NANOSECONDS);
    }

    /** @return the system's ticker: {@link System#nanoTime()} and {@link Thread#sleep(long, int)} */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
