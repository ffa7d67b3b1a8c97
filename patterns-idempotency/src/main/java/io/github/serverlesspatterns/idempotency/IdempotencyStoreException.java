package io.github.serverlesspatterns.idempotency;

/**
 * The store failed (down, slow, refused a write). The handler did not run unprotected; the message names the store and the key digest.
 */
public class IdempotencyStoreException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     */
    public IdempotencyStoreException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     * @param cause   the underlying cause
     */
    public IdempotencyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
