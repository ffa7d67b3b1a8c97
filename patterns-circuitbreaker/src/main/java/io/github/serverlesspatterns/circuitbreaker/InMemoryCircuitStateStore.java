package io.github.serverlesspatterns.circuitbreaker;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link CircuitStateStore} in this JVM's memory: one breaker state per circuit name, shared by
 * the threads of one JVM (what Resilience4j and Failsafe offer). Also the fallback the breaker
 * uses while a shared store is unreachable. Thread-safe.
 */
public final class InMemoryCircuitStateStore implements CircuitStateStore {

    private final ConcurrentMap<String, CircuitState> states = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemoryCircuitStateStore() {
    }

    @Override
    public Optional<CircuitState> load(String name) {
        return Optional.ofNullable(states.get(Objects.requireNonNull(name, "name")));
    }

    @Override
    public Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(next, "next");
        CircuitState[] conflict = new CircuitState[1];
        states.compute(name, (key, current) -> {
            long version = current == null ? 0 : current.version();
            if (version != expectedVersion) {
                conflict[0] = current == null ? CircuitState.initial() : current;
                return current;
            }
            return next;
        });
        return Optional.ofNullable(conflict[0]);
    }

    /** @return {@code true}: the state is in this JVM */
    /**
     * Forgets a circuit's state.
     *
     * @param name the circuit
     */
    public void reset(String name) {
        states.remove(Objects.requireNonNull(name, "name"));
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public String describe() {
        return "in-memory circuit store";
    }
}
