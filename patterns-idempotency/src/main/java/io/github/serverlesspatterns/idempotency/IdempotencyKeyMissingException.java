package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.http.HttpProblem;
import io.github.serverlesspatterns.core.http.ProblemType;

/**
 * The key function returned no key (null or blank) for an input, and the config does not allow running unprotected.
 */
public class IdempotencyKeyMissingException extends IdempotencyException implements HttpProblem {

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

    /** How API Gateway front doors answer it: 400, problem {@code idempotency-key-missing}. */
    public static final ProblemType PROBLEM = new ProblemType(400, "idempotency-key-missing", "This request needs an Idempotency-Key header");
    
    @Override
    public ProblemType problemType() {
        return PROBLEM;
    }
}
