package io.github.serverlesspatterns.core;

/**
 * A value could not be encoded to bytes, or bytes could not be decoded into a value
 * (a malformed payload, for example).
 */
public class CodecException extends PatternsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be encoded or decoded, and why
     * @param cause   the underlying cause, may be {@code null}
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
