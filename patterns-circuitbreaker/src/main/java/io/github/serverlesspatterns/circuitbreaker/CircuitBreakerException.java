package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.PatternsException;

/**
 * The base of the exceptions a {@link CircuitBreaker} raises itself: a call it did not permit
 * ({@link CallNotPermittedException}: the call did not run) and a shared store it could not use
 * under {@link CircuitBreakerConfig.StoreFailurePolicy#THROW} ({@link CircuitBreakerStoreException}).
 * The protected call's own exceptions pass through unwrapped.
 */
public class CircuitBreakerException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the circuit */
    public CircuitBreakerException(String message) {
        super(message);
    }

    /**
     * @param message what happened, naming the circuit
     * @param cause   the underlying error
     */
    public CircuitBreakerException(String message, Throwable cause) {
        super(message, cause);
    }
}
