package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.PatternsException;

/** An encoded request is over the invocation payload limit; nothing was sent. */
public class PayloadTooLargeException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the function, the size and the limit
     */
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
