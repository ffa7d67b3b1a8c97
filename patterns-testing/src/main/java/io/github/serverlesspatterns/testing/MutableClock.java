package io.github.serverlesspatterns.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock for tests that moves only when told to, so that expiries, waits and backoffs are tested
 * without sleeping. Pass it to a config's {@code clock(...)}. Thread-safe; always UTC.
 */
public final class MutableClock extends Clock {

    private volatile Instant now;

    /** @param start the instant the clock shows until it is moved */
    public MutableClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /**
     * Moves the clock forward (or back, with a negative duration).
     *
     * @param by how far
     */
    public void advance(Duration by) {
        now = now.plus(Objects.requireNonNull(by, "by"));
    }

    /** @param instant the instant the clock shows from now on */
    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
