package io.github.serverlesspatterns.circuitbreaker;


/**
 * The circuit's shared store failed and the config says to throw
 * ({@link CircuitBreakerConfig.StoreFailurePolicy#THROW}); the message names the circuit and the store.
 */
public class CircuitBreakerStoreException extends CircuitBreakerException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the circuit and the store
     * @param cause   the store's exception
     */
    public CircuitBreakerStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
