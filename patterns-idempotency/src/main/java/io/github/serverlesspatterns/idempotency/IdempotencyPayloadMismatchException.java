package io.github.serverlesspatterns.idempotency;

/**
 * A call reused the key of an earlier call with a different payload (the part chosen by {@link IdempotencyConfig.Builder#payload}); nothing ran.
 */
public class IdempotencyPayloadMismatchException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     */
    public IdempotencyPayloadMismatchException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     * @param cause   the underlying cause
     */
    public IdempotencyPayloadMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
