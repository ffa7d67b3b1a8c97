package io.github.serverlesspatterns.core;

/**
 * The one base type of every exception this library throws of its own (a rejection by a
 * pattern, a store that is down, a payload that cannot be decoded, ...). The user's own
 * exceptions are never wrapped in it: they pass through decorators unchanged.
 *
 * <p>Messages name the pattern, the key or name involved, and the state that caused the error.
 */
public class PatternsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the pattern, key and state
     */
    public PatternsException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the pattern, key and state
     * @param cause   the underlying cause
     */
    public PatternsException(String message, Throwable cause) {
        super(message, cause);
    }
}
