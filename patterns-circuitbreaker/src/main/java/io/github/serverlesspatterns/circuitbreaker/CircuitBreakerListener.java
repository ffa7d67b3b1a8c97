package io.github.serverlesspatterns.circuitbreaker;

import java.time.Instant;

/**
 * Hears a breaker's transitions and rejections. Default methods do nothing; an exception thrown
 * by a listener is logged and never breaks a call. Called on the calling thread, so keep it fast.
 */
public interface CircuitBreakerListener {

    /** A listener that does nothing. */
    CircuitBreakerListener NO_OP = new CircuitBreakerListener() {
    };

    /**
     * This instance moved the shared circuit from one state to another.
     *
     * @param name the circuit
     * @param from the old state
     * @param to   the new state
     */
    default void onStateTransition(String name, CircuitState.State from, CircuitState.State to) {
    }

    /**
     * A call was not permitted.
     *
     * @param name        the circuit
     * @param state       the state that rejected it
     * @param nextProbeAt when the next probe may go through ({@code null} if unknown)
     */
    default void onCallRejected(String name, CircuitState.State state, Instant nextProbeAt) {
    }

    /**
     * The shared store failed; the configured store-failure policy applies.
     *
     * @param name  the circuit
     * @param error the store's exception
     */
    default void onStoreError(String name, RuntimeException error) {
    }
}
