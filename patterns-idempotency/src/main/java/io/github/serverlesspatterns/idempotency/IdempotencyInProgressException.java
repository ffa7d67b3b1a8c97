package io.github.serverlesspatterns.idempotency;

import java.time.Instant;

/**
 * A call with the same key is in progress elsewhere (another instance, another thread, or a
 * call that timed out and whose record has not expired yet). Nothing ran. Retry later: the
 * in-progress record expires at {@link #inProgressUntil()}.
 */
public class IdempotencyInProgressException extends IdempotencyException {

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
}
