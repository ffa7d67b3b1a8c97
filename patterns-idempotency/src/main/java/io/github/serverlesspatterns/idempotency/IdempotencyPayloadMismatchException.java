package io.github.serverlesspatterns.idempotency;

/**
 * A call reused the key of an earlier call with a different payload (the part chosen by {@link IdempotencyConfig.Builder#payload}); nothing ran.
 */
public class IdempotencyPayloadMismatchException extends IdempotencyException implements io.github.serverlesspatterns.core.http.HttpProblem {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     */
    public IdempotencyPayloadMismatchException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the config, the key digest and the state
     * @param cause   the underlying cause
     */
    public IdempotencyPayloadMismatchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The HTTP status this problem is answered with: {@value}. */
    public static final int HTTP_STATUS = 422;

    /** @return {@value #HTTP_STATUS} */
    @Override
    public int httpStatus() {
        return HTTP_STATUS;
    }

    @Override
    public String problemName() {
        return "idempotency-key-reused";
    }

    @Override
    public String problemTitle() {
        return "This Idempotency-Key was used with a different request; use a new key";
    }
}
