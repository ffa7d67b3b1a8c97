package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.http.HttpProblem;
import io.github.serverlesspatterns.core.http.ProblemType;

import java.time.Instant;
import java.util.Optional;

/**
 * A call with the same key is in progress elsewhere (another instance, another thread, or a
 * call that timed out and whose record has not expired yet). Nothing ran. Retry later: the
 * in-progress record expires at {@link #inProgressUntil()}.
 */
public class IdempotencyInProgressException extends IdempotencyException implements HttpProblem {

    private static final long serialVersionUID = 1L;

    private final Instant inProgressUntil;

    /**
     * @param message         the message, naming the config and key digest
     * @param inProgressUntil when the in-progress record expires
     */
    public IdempotencyInProgressException(String message, Instant inProgressUntil) {
        super(message);
        this.inProgressUntil = inProgressUntil;
    }

    /** @return when the in-progress record expires and the key can be taken over */
    public Instant inProgressUntil() {
        return inProgressUntil;
    }

    /** How API Gateway front doors answer it: 409, problem {@code idempotency-key-in-progress}. */
    public static final ProblemType PROBLEM = new ProblemType(409, "idempotency-key-in-progress", "A request with this Idempotency-Key is still being processed; retry shortly");
    
    @Override
    public ProblemType problemType() {
        return PROBLEM;
    }

    /** @return one second from now: the other request holding the key is usually done by then, and the retry gets its answer */
    @Override
    public Optional<Instant> retryAt() {
        return Optional.of(Instant.now().plusSeconds(1));
    }
}
