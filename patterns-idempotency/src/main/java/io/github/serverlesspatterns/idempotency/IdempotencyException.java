package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.PatternsException;

/**
 * The base of every error of the idempotency pattern. Messages name the idempotency config, the key digest (never the raw key) and the record state.
 */
public class IdempotencyException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     */
    public IdempotencyException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     * @param cause   the underlying cause
     */
    public IdempotencyException(String message, Throwable cause) {
        super(message, cause);
    }
}
