package io.github.serverlesspatterns.core;

import java.util.Objects;

/**
 * A payload with the correlation id of the invocation that sent it, for the calls where Lambda
 * carries no client context: asynchronous ({@code Event}) invokes, which drop it, and anything
 * sent through a queue. The sender wraps the payload with {@link #of}; the receiver's handler is
 * wrapped with {@link #unwrap}, and then reads the id where it reads it on a synchronous call,
 * {@link Invocation#correlationId()}.
 *
 * <p>On the wire it is {@code {"correlationId":"…","payload":…}}: the Lambda runtime's own
 * serialization (a class declaring {@code RequestHandler<Correlated<Order>, Void>}) and a Jackson
 * codec for {@code Correlated<Order>} both read and write it as it is. The id is the sender's
 * request id, which names the sender's log lines; it is never a secret, and the receiver must not
 * trust it for anything but correlating logs.
 *
 * @param correlationId the sending invocation's request id, or {@code null} when none was known
 * @param payload       what was sent
 * @param <T>           payload type
 */
public record Correlated<T>(String correlationId, T payload) {

    /**
     * @param payload what to send
     * @param sender  the sending invocation: its request id becomes the correlation id
     * @param <T>     payload type
     * @return the payload with the sender's request id
     */
    public static <T> Correlated<T> of(T payload, Invocation sender) {
        Objects.requireNonNull(sender, "sender");
        return new Correlated<>(sender.requestId(), payload);
    }

    /**
     * A handler of correlated payloads that runs {@code handler} on the payload, under an
     * invocation whose {@link Invocation#correlationId()} is the sender's id (the receiving
     * invocation's own id, deadline and context otherwise). A message without an id leaves the
     * invocation as it is.
     *
     * @param handler the receiving handler, unaware of the envelope
     * @param <T>     payload type
     * @param <R>     result type
     * @return the handler to expose to Lambda (or to the queue's batch handler)
     */
    public static <T, R> Handler<Correlated<T>, R> unwrap(Handler<T, R> handler) {
        Objects.requireNonNull(handler, "handler");
        return (message, invocation) -> {
            if (message == null) {
                throw new IllegalArgumentException("correlated: the event is empty (expected {\"correlationId\":…,\"payload\":…})");
            }
            String id = message.correlationId();
            Invocation correlated = id == null || id.isEmpty() ? invocation : invocation.toBuilder().correlationId(id).build();
            return handler.handle(message.payload(), correlated);
        };
    }
}
