package io.github.serverlesspatterns.idempotency;

/**
 * The handler's encoded result is larger than the store can keep (DynamoDB: 400 KB per item). Thrown by a store; the
 * decorator then records the key as {@link IdempotencyRecord.Status#UNREPLAYABLE}, so a retry does not run the handler again.
 */
public class IdempotencyResultTooLargeException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     */
    public IdempotencyResultTooLargeException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     * @param cause   the underlying cause
     */
    public IdempotencyResultTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
