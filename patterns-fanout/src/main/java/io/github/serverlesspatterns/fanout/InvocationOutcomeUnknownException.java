package io.github.serverlesspatterns.fanout;


/**
 * A synchronous call was sent and no answer came back (the HTTP client's read timed out, or the
 * connection dropped): the function may have run, and may still be running. It was not retried,
 * since a retry can run a non-idempotent function twice. Make the callee idempotent and allow
 * retries ({@link LambdaInvoker#withSdkRetries()}), or give the client a read timeout longer than
 * the function's timeout.
 */
public class InvocationOutcomeUnknownException extends FanoutException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the function and what failed
     * @param cause   the SDK's exception
     */
    public InvocationOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
