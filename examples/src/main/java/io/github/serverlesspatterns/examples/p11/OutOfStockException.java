package io.github.serverlesspatterns.examples.p11;

/**
 * A task outcome the order state machine branches on by name ({@code ErrorEquals}): the warehouse has fewer items than the order asks for; nothing was reserved.
 */
public final class OutOfStockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened, for the execution history */
    public OutOfStockException(String message) {
        super(message);
    }
}
