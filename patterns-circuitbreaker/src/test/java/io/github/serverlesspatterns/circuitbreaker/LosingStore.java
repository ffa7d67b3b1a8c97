package io.github.serverlesspatterns.circuitbreaker;

import java.util.Optional;

/**
 * An in-memory store the breaker treats as a shared one (not {@link CircuitStateStore#isLocal()},
 * so every call goes through its view and compare-and-set), that can lose everything it holds, as
 * a Redis restarted empty, an eviction or a failover do.
 */
final class LosingStore implements CircuitStateStore {

    private volatile InMemoryCircuitStateStore current = new InMemoryCircuitStateStore();

    /** Forgets every circuit. */
    void loseEverything() {
        current = new InMemoryCircuitStateStore();
    }

    @Override
    public Optional<CircuitState> load(String name) {
        return current.load(name);
    }

    @Override
    public Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next) {
        return current.compareAndSet(name, expectedVersion, next);
    }

    @Override
    public String describe() {
        return "losing store";
    }
}
