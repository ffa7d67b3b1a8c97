package io.github.serverlesspatterns.testing;

import io.github.serverlesspatterns.core.Ticker;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to, or when code pauses through it: a pause returns
 * at once and advances the time by its length. A wait of 30 seconds then runs in milliseconds, and
 * a test can count its pauses and the time they covered. A {@linkplain #pollUntil wait for other
 * threads' work} ends when that work arrives or when the time is moved past its end, never by
 * itself. Thread-safe.
 */
public final class ManualTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();
    private final AtomicInteger waits = new AtomicInteger();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Returns at once (after a {@link Thread#yield()}, so that other threads get to run) and moves
     * the time on by {@code nanos}.
     */
    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before a pause of " + nanos + " ns");
        }
        pauses.incrementAndGet();
        paused.addAndGet(Math.max(0, nanos));
        this.nanos.addAndGet(Math.max(0, nanos));
        Thread.yield();
    }

    /**
     * Returns the queue's next element as soon as one arrives, or {@code null} once this ticker's
     * time has been moved ({@link #advance}, or another thread's pause) to the end of the wait;
     * the system's clock plays no part, so a wait that nothing ends lasts until the test ends it
     * (bound it from the test, e.g. with {@code Future.get(timeout)}).
     */
    @Override
    public <T> T pollUntil(BlockingQueue<T> queue, long deadline) throws InterruptedException {
        waits.incrementAndGet();
        try {
            while (true) {
                T next = queue.poll(1, TimeUnit.MILLISECONDS); // looks at this ticker's time every millisecond
                if (next != null) {
                    return next;
                }
                if (nanoTime() - deadline >= 0) {
                    return queue.poll();
                }
            }
        } finally {
            waits.decrementAndGet();
        }
    }

    /** @return how many threads are inside {@link #pollUntil} now */
    public int waiting() {
        return waits.get();
    }

    /** @param by how far to move the time on */
    public void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    /** @return how many pauses were made through this ticker */
    public long pauses() {
        return pauses.get();
    }

    /** @return the time those pauses covered */
    public Duration paused() {
        return Duration.ofNanos(paused.get());
    }
}
