package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.PatternsException;

/**
 * The base of every exception {@code patterns-fanout} raises: an invocation that failed remotely,
 * was throttled, has an unknown outcome or too large a payload, an aggregation that failed fast,
 * an event no route takes. Catch it to handle them all; each subclass says what did and did not
 * happen.
 */
public class FanoutException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened, and what did not */
    public FanoutException(String message) {
        super(message);
    }

    /**
     * @param message what happened, and what did not
     * @param cause   the underlying error
     */
    public FanoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
