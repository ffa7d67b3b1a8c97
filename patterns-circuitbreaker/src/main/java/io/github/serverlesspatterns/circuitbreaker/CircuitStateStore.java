package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.internal.Priming;
import java.util.Optional;

/**
 * Where the shared state of circuits lives: {@link InMemoryCircuitStateStore} (one JVM),
 * {@code redis.RedisCircuitStateStore} and {@code dynamodb.DynamoDbCircuitStateStore} (every
 * instance of a function sees one state). All pass one contract test
 * ({@code CircuitStateStoreContract}, in this module's test-jar).
 *
 * <p>The breaker computes transitions itself and writes them with {@link #compareAndSet}, one
 * round trip that either stores the new state or returns the current one, so concurrent
 * transitions from many instances are never lost. Implementations are thread-safe.
 */
public interface CircuitStateStore extends Primeable {

    /**
     * Reads a circuit's state.
     *
     * @param name the circuit name
     * @return the state, or empty when none is stored (the circuit is then CLOSED at version 0)
     */
    Optional<CircuitState> load(String name);

    /**
     * Stores {@code next} (whose version must be {@code expectedVersion + 1}) if the stored
     * version is {@code expectedVersion} (0: nothing stored), atomically.
     *
     * @param name            the circuit name
     * @param expectedVersion the version the change was computed from
     * @param next            the new state
     * @return empty when stored; otherwise the state that is stored now (the caller recomputes)
     */
    Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next);

    /**
     * Whether this store lives in this JVM's memory. The breaker then reads the state on every
     * call (cheaper than reading the clock to decide whether a view is fresh) instead of trusting
     * a local view for a while.
     *
     * @return {@code false} by default
     */
    default boolean isLocal() {
        return false;
    }

    /** @return a short description for logs and errors */
    String describe();

    /** The circuit name {@link #prime()} reads; no state is ever stored under it. */
    String PRIMING_NAME = Priming.KEY;

    /**
     * Warms the store for a SnapStart snapshot: one {@link #load(String)} of {@link #PRIMING_NAME},
     * which creates the client's connection and loads the read path's classes, and writes nothing.
     *
     * @throws CircuitBreakerStoreException naming the store when it cannot be reached
     */
    @Override
    default void prime() {
        try {
            load(PRIMING_NAME);
        } catch (CircuitBreakerStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CircuitBreakerStoreException(describe() + ": priming failed: " + e.getMessage(), e);
        }
    }
}
