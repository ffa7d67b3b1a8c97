package io.github.serverlesspatterns.fifo;

/**
 * Thrown by a per-message handler to say that a message can never succeed (invalid content, an
 * unknown type, ...): the batch handler sends it to the dead-letter queue at once, with this
 * message as the reason, and acknowledges it instead of letting it be retried. Other exceptions
 * can be classified as poison too ({@link SqsBatchConfig.Builder#nonRetryable}).
 */
public class PoisonMessageException extends FifoException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason why the message can never succeed
     */
    public PoisonMessageException(String reason) {
        super(reason);
    }

    /**
     * @param reason why the message can never succeed
     * @param cause  the underlying cause
     */
    public PoisonMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
