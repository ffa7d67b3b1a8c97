package io.github.serverlesspatterns.core;

import io.github.serverlesspatterns.core.http.HttpProblem;
import io.github.serverlesspatterns.core.http.ProblemType;

import java.time.Instant;

/**
 * A wait or a remote call was stopped at the calling invocation's own deadline: the library never
 * lets a shared load, a downstream call or a wait for another invocation run an invocation past
 * its deadline, and answers it with this error, naming its own request, not another's.
 */
public class DeadlineExceededException extends PatternsException implements HttpProblem {

    private static final long serialVersionUID = 1L;

    private final String requestId;
    private final Instant deadline;

    /**
     * @param what       what was stopped, e.g. {@code call to function 'prices'}
     * @param invocation the invocation whose deadline it reached
     */
    public DeadlineExceededException(String what, Invocation invocation) {
        this(what, invocation, null);
    }

    /**
     * @param what       what was stopped, e.g. {@code call to function 'prices'}
     * @param invocation the invocation whose deadline it reached
     * @param cause      the timeout that stopped it, if any
     */
    public DeadlineExceededException(String what, Invocation invocation, Throwable cause) {
        super(what + " stopped at the deadline of invocation " + invocation.requestId() + " (" + invocation.deadline() + ")", cause);
        this.requestId = invocation.requestId();
        this.deadline = invocation.deadline();
    }

    /** @return the request id of the invocation whose deadline was reached */
    public String requestId() {
        return requestId;
    }

    /** @return that deadline */
    public Instant deadline() {
        return deadline;
    }

    /** How API Gateway front doors answer it: 504, problem {@code deadline-exceeded}. */
    public static final ProblemType PROBLEM = new ProblemType(504, "deadline-exceeded", "The request did not finish in time");
    
    @Override
    public ProblemType problemType() {
        return PROBLEM;
    }
}
