package io.github.serverlesspatterns.core;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The library's source of elapsed time for its waits and timings: the idempotency decorator's
 * wait for an in-progress duplicate and the cache's wait for another instance's load read it and
 * pause through it, the aggregator waits for its downstreams through {@link #pollUntil}, and the store,
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
     * Waits for the next element of a queue that other threads fill, until this ticker reads
     * {@code deadline} or later: how a wait for work running elsewhere (the aggregator's downstream
     * calls) is bounded. The end is a reading of {@link #nanoTime()}, not a length, so a wait that
     * starts a little after its end was computed still ends on time, and time moved by hand in
     * between is not lost. The default waits on the queue by the system's clock for what is left,
     * which is right for any ticker that follows it; a ticker moved by hand overrides it to end the
     * wait when its own time reaches the end (the test kit's {@code ManualTicker} does).
     *
     * @param queue    where the awaited elements arrive
     * @param deadline the reading of {@link #nanoTime()} at which to stop waiting; one already passed
     *                 takes only an element that is there
     * @param <T>      the element type
     * @return the next element, or {@code null} if none came in time
     * @throws InterruptedException if the thread is interrupted meanwhile
     */
    default <T> T pollUntil(BlockingQueue<T> queue, long deadline) throws InterruptedException {
        return queue.poll(deadline - nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** @return the system's ticker: {@link System#nanoTime()} and {@link Thread#sleep(long, int)} */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
