package io.github.serverlesspatterns.fanout;


/** An invoked function failed: carries the function, and the remote error type and message. */
public class RemoteFunctionException extends FanoutException {

    private static final long serialVersionUID = 1L;

    private final String function;
    private final String errorType;
    private final String errorMessage;

    /**
     * @param function     the function invoked
     * @param errorType    the remote error type (e.g. the exception class), may be null
     * @param errorMessage the remote error message, may be null
     */
    public RemoteFunctionException(String function, String errorType, String errorMessage) {
        super("function '" + function + "' failed: " + errorType + ": " + errorMessage);
        this.function = function;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    /** @return the function invoked */
    public String function() {
        return function;
    }

    /** @return the remote error type */
    public String errorType() {
        return errorType;
    }

    /** @return the remote error message */
    public String errorMessage() {
        return errorMessage;
    }
}
