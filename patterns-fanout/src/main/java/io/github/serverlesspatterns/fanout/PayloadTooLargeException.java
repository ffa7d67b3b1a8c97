package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.http.HttpProblem;
import io.github.serverlesspatterns.core.http.ProblemType;


/** An encoded request is over the invocation payload limit; nothing was sent. */
public class PayloadTooLargeException extends FanoutException implements HttpProblem {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the function, the size and the limit
     */
    public PayloadTooLargeException(String message) {
        super(message);
    }

    /** How API Gateway front doors answer it: 413, problem {@code payload-too-large}. */
    public static final ProblemType PROBLEM = new ProblemType(413, "payload-too-large", "The request is too large to pass on");
    
    @Override
    public ProblemType problemType() {
        return PROBLEM;
    }
}
