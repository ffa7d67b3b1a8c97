package io.github.serverlesspatterns.core;

import java.time.Duration;

/**
 * The library's source of elapsed time for its waits and timings: the idempotency decorator's
 * wait for an in-progress duplicate and the cache's wait for another instance's load read it and
 * pause through it, and the store and load timings it reports are measured with it. The default
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

    /** @return the system's ticker: {@link System#nanoTime()} and {@link Thread#sleep(long, int)} */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
