package io.github.serverlesspatterns.fanout;

/** A {@link Router} found no route for an event and has no dead-letter sink for it. */
public class UnknownRouteException extends FanoutException {

    private static final long serialVersionUID = 1L;

    /** @param message names the key and the known routes */
    public UnknownRouteException(String message) {
        super(message);
    }
}
