package io.github.serverlesspatterns.circuitbreaker;

import java.util.Optional;

/**
 * An in-memory store the breaker treats as shared (not {@link CircuitStateStore#isLocal()}), so
 * every call goes through the shared view and the store's compare-and-set, as with Redis.
 */
final class StressStore implements CircuitStateStore {

    private final InMemoryCircuitStateStore delegate = new InMemoryCircuitStateStore();

    @Override
    public Optional<CircuitState> load(String name) {
        return delegate.load(name);
    }

    @Override
    public Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next) {
        return delegate.compareAndSet(name, expectedVersion, next);
    }

    @Override
    public String describe() {
        return "stress store";
    }
}
