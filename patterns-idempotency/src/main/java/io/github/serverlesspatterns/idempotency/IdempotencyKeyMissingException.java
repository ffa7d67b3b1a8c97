package io.github.serverlesspatterns.idempotency;

/**
 * The key function returned no key (null or blank) for an input, and the config does not allow running unprotected.
 */
public class IdempotencyKeyMissingException extends IdempotencyException implements io.github.serverlesspatterns.core.http.HttpProblem {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     */
    public IdempotencyKeyMissingException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     * @param cause   the underlying cause
     */
    public IdempotencyKeyMissingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The HTTP status this problem is answered with: {@value}. */
    public static final int HTTP_STATUS = 400;

    /** @return {@value #HTTP_STATUS} */
    @Override
    public int httpStatus() {
        return HTTP_STATUS;
    }

    @Override
    public String problemName() {
        return "idempotency-key-missing";
    }

    @Override
    public String problemTitle() {
        return "This request needs an Idempotency-Key header";
    }
}
