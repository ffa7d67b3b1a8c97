package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One SQS message as the per-message handler sees it: the decoded body beside the message's id,
 * group and attributes. Immutable (the raw event object aside).
 *
 * @param <T> the body type
 */
public final class QueueMessage<T> {

    private final String messageId;
    private final T body;
    private final String rawBody;
    private final String groupId;
    private final Map<String, String> attributes;
    private final SQSEvent.SQSMessage source;

    QueueMessage(SQSEvent.SQSMessage source, T body) {
        this.source = source;
        this.messageId = source.getMessageId();
        this.body = body;
        this.rawBody = source.getBody();
        Map<String, String> attrs = source.getAttributes() == null ? Map.of() : Map.copyOf(source.getAttributes());
        this.attributes = attrs;
        this.groupId = attrs.get("MessageGroupId");
    }

    /** @return the SQS message id (stable across redeliveries: a good idempotency key) */
    public String messageId() {
        return messageId;
    }

    /** @return the decoded body */
    public T body() {
        return body;
    }

    /** @return the body as SQS delivered it */
    public String rawBody() {
        return rawBody;
    }

    /** @return the FIFO message group, if any */
    public Optional<String> groupId() {
        return Optional.ofNullable(groupId);
    }

    /** @return the SQS system attributes (ApproximateReceiveCount, MessageGroupId, ...) */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** @return how often SQS has delivered this message, 1 the first time */
    public int receiveCount() {
        String count = attributes.get("ApproximateReceiveCount");
        return count == null ? 1 : Integer.parseInt(count);
    }

    /** @return the message as the Lambda event holds it */
    public SQSEvent.SQSMessage source() {
        return source;
    }

    @Override
    public String toString() {
        return "QueueMessage{" + messageId + (groupId == null ? "" : ", group " + groupId) + '}';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueMessage && ((QueueMessage<?>) o).messageId.equals(messageId)
                && Objects.equals(((QueueMessage<?>) o).body, body);
    }

    @Override
    public int hashCode() {
        return messageId.hashCode();
    }
}
