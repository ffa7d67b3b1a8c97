package io.github.serverlesspatterns.circuitbreaker;

import java.util.concurrent.atomic.AtomicReference;

/**
 * This instance's newest view of a circuit's shared state: the state as last read or written,
 * when, and from which store. Round trips of one JVM finish out of order, and an older state must
 * never replace a newer one (a stale CLOSED view would let calls through). Part of
 * {@link CircuitBreaker}; thread-safe, lock-free.
 */
final class SharedView {

    /** A state as read or written, with the time and store it came from. */
    static final class View {
        final CircuitState state;
        final CircuitStateStore store;
        /** Moves forward when a read finds this very version again (no new view is allocated then). */
        volatile long seenAt;

        View(CircuitState state, long seenAt, CircuitStateStore store) {
            this.state = state;
            this.seenAt = seenAt;
            this.store = store;
        }
    }

    private final CircuitBreakerConfig config;
    private final AtomicReference<View> view = new AtomicReference<>();

    SharedView(CircuitBreakerConfig config) {
        this.config = config;
    }

    /** @return the newest view, or null when there is none (none yet, or dropped after a store error or a restore) */
    View get() {
        return view.get();
    }

    /** @return the newest view's state, or the initial state when there is none */
    CircuitState stateOrInitial() {
        View v = view.get();
        return v == null ? CircuitState.initial() : v.state;
    }

    /** Forgets the view: the next call reads the store. */
    void drop() {
        view.set(null);
    }

    /** Keeps the newer of the current view and this one. */
    void see(View seen) {
        view.accumulateAndGet(seen, (current, candidate) -> {
            if (current == null || current.store != candidate.store) {
                return candidate;
            }
            if (!candidate.state.epoch().equals(current.state.epoch())) {
                // the store lost the state and started again (restart, eviction, failover): versions of two
                // histories do not compare; the later read wins, so no instance goes on ignoring the store
                return candidate.seenAt >= current.seenAt ? candidate : current;
            }
            long cv = current.state.version();
            long nv = candidate.state.version();
            return nv > cv || (nv == cv && candidate.seenAt >= current.seenAt) ? candidate : current;
        });
    }

    /**
     * @return the view if it may decide a call's permission without a read of {@code store} at
     *         {@code now}, else null: a CLOSED view for less than the wait in OPEN (or the local read
     *         staleness), an OPEN one until its probe time, a FORCED_OPEN or DISABLED one for the wait
     *         in OPEN; a HALF_OPEN one never (probe slots change under it)
     */
    View trusted(CircuitStateStore store, long now) {
        View v = view.get();
        if (v == null || v.store != store) {
            return null;
        }
        long age = now - v.seenAt;
        switch (v.state.state()) {
            case CLOSED:
            case METRICS_ONLY:
                long trust = config.localReadStaleness().isZero() ? config.waitInOpen().toMillis()
                        : config.localReadStaleness().toMillis();
                return age < trust ? v : null;
            case OPEN:
                return now < v.state.openUntilMillis() ? v : null; // no probe before then, whoever asks
            case FORCED_OPEN:
            case DISABLED:
                return age < config.waitInOpen().toMillis() ? v : null;
            default:
                return null;
        }
    }
}
