package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.PatternsException;

/** An encoded request is over the invocation payload limit; nothing was sent. */
public class PayloadTooLargeException extends PatternsException implements io.github.serverlesspatterns.core.http.HttpProblem {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the function, the size and the limit
     */
    public PayloadTooLargeException(String message) {
        super(message);
    }

    /** The HTTP status this problem is answered with: {@value}. */
    public static final int HTTP_STATUS = 413;

    /** @return {@value #HTTP_STATUS} */
    @Override
    public int httpStatus() {
        return HTTP_STATUS;
    }

    @Override
    public String problemName() {
        return "payload-too-large";
    }

    @Override
    public String problemTitle() {
        return "The request is too large to pass on";
    }
}
