package io.github.serverlesspatterns.fanout;


/**
 * Lambda refused the invocation with 429 {@code TooManyRequestsException} (the function's
 * reserved concurrency or the account's concurrency is used up) on every attempt; the function
 * did not run. Safe to retry later; raise the function's reserved concurrency if it keeps happening.
 */
public class FunctionThrottledException extends FanoutException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the function and the attempts made
     * @param cause   the SDK's {@code TooManyRequestsException}
     */
    public FunctionThrottledException(String message, Throwable cause) {
        super(message, cause);
    }
}
