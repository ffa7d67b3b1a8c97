package io.github.serverlesspatterns.testing;

import io.github.serverlesspatterns.core.Ticker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to, or when code pauses through it: a pause returns
 * at once and advances the time by its length. A wait of 30 seconds then runs in milliseconds, and
 * a test can count its pauses and the time they covered. Thread-safe.
 */
public final class ManualTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();

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
