package io.github.serverlesspatterns.examples.p11;

/**
 * A task outcome the order state machine branches on by name ({@code ErrorEquals}): the payment provider declined the charge; nothing was charged.
 */
public final class PaymentDeclinedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the execution history */
    public PaymentDeclinedException(String message) {
        super(message);
    }
}
