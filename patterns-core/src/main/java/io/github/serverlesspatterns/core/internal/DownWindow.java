package io.github.serverlesspatterns.core.internal;

import java.time.Duration;

/**
 * "Skip the backend until": after a failure that proves a shared store unreachable, callers leave
 * it alone for a while and take their fallback instead of paying a timeout each. Times are
 * milliseconds of the caller's clock. Thread-safe (one volatile field). <strong>Not API.</strong>
 */
public final class DownWindow {

    private volatile long downUntil = Long.MIN_VALUE;

    /**
     * @param now the caller's clock, in milliseconds
     * @return whether the backend may be asked at {@code now}
     */
    public boolean isUp(long now) {
        return now >= downUntil;
    }

    /**
     * Opens the window: the backend is skipped until {@code now + retryAfter}.
     *
     * @param now        the caller's clock, in milliseconds
     * @param retryAfter how long to skip it
     */
    public void markDown(long now, Duration retryAfter) {
        downUntil = now + retryAfter.toMillis();
    }

    /** Shuts the window (after a SnapStart restore, or a success that proves the backend back). */
    public void reset() {
        downUntil = Long.MIN_VALUE;
    }
}
