package io.github.serverlesspatterns.circuitbreaker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Writes each call's outcome into the circuit's state with compare-and-set: on an in-memory store
 * directly, on a shared one through the view (a success under the local read staleness is batched
 * and written with the next round trip; a probe's outcome goes to the store that granted its
 * slot). A store error never fails the call that already ran. Part of {@link CircuitBreaker};
 * thread-safe.
 */
final class OutcomeRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String name;
    private final CircuitBreakerConfig config;
    private final Transitions transitions;
    private final LongSupplier millis;
    private final SharedView view;
    private final StoreFailover stores;
    private final Notifier notifier;
    private final AtomicInteger pendingSuccesses = new AtomicInteger();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder ignored = new LongAdder();

    OutcomeRecorder(String name, CircuitBreakerConfig config, Transitions transitions, LongSupplier millis, SharedView view,
                    StoreFailover stores, Notifier notifier) {
        this.name = name;
        this.config = config;
        this.transitions = transitions;
        this.millis = millis;
        this.view = view;
        this.stores = stores;
        this.notifier = notifier;
    }

    /**
     * @param flags      the permit's {@link Permit#PROBE} and {@link Permit#ROUND_TRIP} bits
     * @param probeStore for a probe, the store that granted its slot
     * @param outcome    what the call did
     */
    void record(int flags, CircuitStateStore probeStore, Transitions.Outcome outcome) {
        if (outcome == Transitions.Outcome.IGNORED) {
            ignored.increment();
        } else if (outcome.failed()) {
            failures.increment();
        } else {
            successes.increment();
        }
        if ((flags & Permit.PROBE) == 0 && stores.shared().isLocal()) {
            recordLocally(outcome);
            return;
        }
        recordShared(flags, probeStore, outcome);
    }

    /** An outcome written to a shared store (or a probe's, to whichever store granted it). */
    private void recordShared(int flags, CircuitStateStore probeStore, Transitions.Outcome outcome) {
        boolean probe = (flags & Permit.PROBE) != 0;
        long now = millis.getAsLong();
        SharedView.View v = view.get();
        if (v == null || (probe && v.store != probeStore)) {
            // another invocation's store error dropped or moved the view meanwhile: read it again, so that
            // this outcome is still recorded (a probe's above all, in its own store: only its outcome frees its slot)
            try {
                CircuitStateStore store = probe ? probeStore : stores.active(now);
                v = new SharedView.View(stores.load(store), now, store);
                view.see(v);
                flags |= Permit.ROUND_TRIP;
            } catch (RuntimeException storeError) {
                stores.failed(storeError, false);
                return;
            }
        }
        if (!probe && outcome == Transitions.Outcome.SUCCESS && !config.localReadStaleness().isZero()
                && v.state.state() == CircuitBreaker.State.CLOSED && now - v.seenAt < config.localReadStaleness().toMillis()) {
            pendingSuccesses.incrementAndGet(); // batched: written with the next round trip
            return;
        }
        int batched = pendingSuccesses.getAndSet(0); // successes batched under the local read cache go first
        try {
            for (int attempt = 0; attempt < CircuitBreaker.MAX_ATTEMPTS; attempt++) {
                CircuitState current = v.state;
                CircuitState next = batched > 0
                        ? transitions.onOutcome(current, Transitions.Outcome.SUCCESS, batched, false, millis) : current;
                next = transitions.onOutcome(next, outcome, 1, probe, millis);
                if (next.sameContent(current)) {
                    if ((flags & Permit.ROUND_TRIP) == 0) {
                        CircuitState stored = stores.load(v.store); // learn what others did
                        if (stored.version() == current.version() && view.get() == v) {
                            if (now > v.seenAt) {
                                v.seenAt = now; // unchanged: keep the view, trust it longer (one write per ms at most)
                            }
                        } else {
                            view.see(new SharedView.View(stored, now, v.store));
                        }
                    }
                    return;
                }
                CircuitState written = next.nextVersion();
                Optional<CircuitState> conflict = stores.cas(v.store, current.version(), written);
                if (conflict.isEmpty()) {
                    view.see(new SharedView.View(written, now, v.store));
                    notifier.recorded(current, written);
                    return;
                }
                v = new SharedView.View(conflict.get(), now, v.store);
                view.see(v);
            }
            pendingSuccesses.addAndGet(batched);
            LOG.warn("circuit '{}': outcome {} not recorded after {} contended attempts", name, outcome, CircuitBreaker.MAX_ATTEMPTS);
        } catch (RuntimeException storeError) {
            pendingSuccesses.addAndGet(batched);
            stores.failed(storeError, false); // the call already ran: never fail it for the store
        }
    }

    /** The outcome of a non-probe call on an in-memory store: no view, no clock unless the state changes. */
    private void recordLocally(Transitions.Outcome outcome) {
        CircuitStateStore shared = stores.shared();
        for (int attempt = 0; attempt < CircuitBreaker.MAX_ATTEMPTS; attempt++) {
            CircuitState current = shared.load(name).orElse(CircuitState.initial());
            CircuitState next = transitions.onOutcome(current, outcome, 1, false, millis);
            if (next.sameContent(current)) {
                return;
            }
            CircuitState written = next.nextVersion();
            if (shared.compareAndSet(name, current.version(), written).isEmpty()) {
                view.see(new SharedView.View(written, millis.getAsLong(), shared));
                notifier.recorded(current, written);
                return;
            }
        }
        LOG.warn("circuit '{}': outcome {} not recorded after {} contended attempts", name, outcome, CircuitBreaker.MAX_ATTEMPTS);
    }

    /** After a SnapStart restore: successes batched before the snapshot are not written. */
    void afterRestore() {
        pendingSuccesses.set(0);
    }

    long successes() {
        return successes.sum();
    }

    long failures() {
        return failures.sum();
    }

    long ignored() {
        return ignored.sum();
    }
}
