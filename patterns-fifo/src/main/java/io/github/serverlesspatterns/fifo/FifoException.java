package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.PatternsException;

/**
 * The base of the exceptions of {@code patterns-fifo}: today {@link PoisonMessageException}, which a
 * handler throws for a message that can never succeed. Failures of the queue or stream calls
 * themselves are the AWS SDK's exceptions, passed through.
 */
public class FifoException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened */
    public FifoException(String message) {
        super(message);
    }

    /**
     * @param message what happened
     * @param cause   the underlying error
     */
    public FifoException(String message, Throwable cause) {
        super(message, cause);
    }
}
