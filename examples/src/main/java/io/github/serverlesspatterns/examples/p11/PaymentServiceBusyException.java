package io.github.serverlesspatterns.examples.p11;

/**
 * A task outcome the order state machine branches on by name ({@code ErrorEquals}): the payment provider could not answer now; the state machine retries the charge.
 */
public final class PaymentServiceBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the execution history */
    public PaymentServiceBusyException(String message) {
        super(message);
    }
}
