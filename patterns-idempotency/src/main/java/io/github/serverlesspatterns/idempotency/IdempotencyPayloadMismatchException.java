package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.http.HttpProblem;
import io.github.serverlesspatterns.core.http.ProblemType;

/**
 * A call reused the key of an earlier call with a different payload (the part chosen by {@link IdempotencyConfig.Builder#payload}); nothing ran.
 */
public class IdempotencyPayloadMismatchException extends IdempotencyException implements HttpProblem {

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

    /** How API Gateway front doors answer it: 422, problem {@code idempotency-key-reused}. */
    public static final ProblemType PROBLEM = new ProblemType(422, "idempotency-key-reused", "This Idempotency-Key was used with a different request; use a new key");
    
    @Override
    public ProblemType problemType() {
        return PROBLEM;
    }
}
