package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.internal.DownWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which store a circuit reads and writes, and what a store error does: every round trip goes
 * through here (and is counted), and a failure applies the configured
 * {@link CircuitBreakerConfig.StoreFailurePolicy} - with {@code FALLBACK_TO_LOCAL} the circuit
 * moves to an in-memory store of this instance until the shared one is tried again. Part of
 * {@link CircuitBreaker}; thread-safe.
 */
final class StoreFailover {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String name;
    private final CircuitStateStore shared;
    private final InMemoryCircuitStateStore local = new InMemoryCircuitStateStore();
    private final CircuitBreakerConfig config;
    private final Notifier notifier;
    private final SharedView view;
    private final DownWindow sharedStoreOutage = new DownWindow();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder storeErrors = new LongAdder();

    StoreFailover(String name, CircuitStateStore shared, CircuitBreakerConfig config, Notifier notifier, SharedView view) {
        this.name = name;
        this.shared = shared;
        this.config = config;
        this.notifier = notifier;
        this.view = view;
    }

    /** @return the shared store the breaker was given */
    CircuitStateStore shared() {
        return shared;
    }

    /** @return the shared store, or this instance's local one while the shared one is marked down */
    CircuitStateStore active(long now) {
        return sharedStoreOutage.isUp(now) ? shared : local;
    }

    /** @return the circuit's state in {@code store} (one round trip), initial if it has none */
    CircuitState load(CircuitStateStore store) {
        roundTrips.increment();
        return store.load(name).orElseGet(CircuitState::initial);
    }

    /** @return empty if written, else the state found (one round trip) */
    Optional<CircuitState> cas(CircuitStateStore store, long expected, CircuitState next) {
        roundTrips.increment();
        return store.compareAndSet(name, expected, next);
    }

    /**
     * Applies the store-failure policy to an error of a round trip.
     *
     * @param beforeCall whether the call has yet to run (after it ran, it is never failed for the store)
     * @return a rejection for the call, or null to go on (locally, under {@code FALLBACK_TO_LOCAL})
     * @throws CircuitBreakerStoreException under {@code THROW}, before the call
     */
    CallNotPermittedException failed(RuntimeException error, boolean beforeCall) {
        storeErrors.increment();
        notifier.storeError(error);
        view.drop();
        CircuitBreakerConfig.StoreFailurePolicy policy = config.storeFailurePolicy();
        if (policy == CircuitBreakerConfig.StoreFailurePolicy.FALLBACK_TO_LOCAL) {
            // only this policy moves to the local breaker; REJECT and THROW try the store again on the next call
            sharedStoreOutage.markDown(config.clock().millis(), config.storeRetryInterval());
        }
        LOG.warn("circuit '{}': {} failed ({}); policy {}{}", name, shared.describe(), error.toString(), policy,
                policy == CircuitBreakerConfig.StoreFailurePolicy.FALLBACK_TO_LOCAL ? " for the next " + config.storeRetryInterval() : "");
        if (!beforeCall) {
            return null;
        }
        switch (policy) {
            case REJECT:
                return CallNotPermittedException.storeUnreachable(name, shared.describe(), error);
            case THROW:
                throw new CircuitBreakerStoreException("circuit '" + name + "': its store (" + shared.describe()
                        + ") failed: " + error, error);
            default:
                return null;
        }
    }

    /** After a SnapStart restore: the shared store is tried again at once and the local fallback forgotten. */
    void afterRestore() {
        sharedStoreOutage.reset();
        local.reset(name);
    }

    long roundTrips() {
        return roundTrips.sum();
    }

    long storeErrors() {
        return storeErrors.sum();
    }
}
