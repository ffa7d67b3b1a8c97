package io.github.serverlesspatterns.idempotency;

/**
 * A duplicate of a call that completed (its effect happened) but whose result could not be kept
 * for replay: it failed to encode, or was too large for the store
 * ({@link IdempotencyRecord.Status#UNREPLAYABLE}). Nothing ran: the key stays protected until the
 * record expires, so the effect is never repeated for want of a replayable result.
 */
public class IdempotencyResultUnavailableException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the config and the key digest
     */
    public IdempotencyResultUnavailableException(String message) {
        super(message);
    }
}
