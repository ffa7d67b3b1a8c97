package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.Primeable;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where poison messages go: an SQS queue, with the message's body and string attributes and the
 * failure as attributes {@code failure-reason}, {@code failure-type}, {@code source-message-id}
 * and {@code source-queue}. A FIFO dead-letter queue keeps the message's group. Thread-safe.
 */
public final class DeadLetterQueue implements Primeable {

    /** SQS allows 10 message attributes; we add 4. */
    private static final int MAX_COPIED_ATTRIBUTES = 6;
    /** SQS limits an attribute value; reasons are cut to this many characters. */
    private static final int MAX_REASON = 1024;

    private final SqsClient sqs;
    private final String queueUrl;

    private DeadLetterQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /**
     * @param sqs      an SQS client the caller built (and closes)
     * @param queueUrl the dead-letter queue's URL
     * @return the dead-letter queue
     */
    public static DeadLetterQueue of(SqsClient sqs, String queueUrl) {
        Objects.requireNonNull(sqs, "sqs");
        Checks.notBlank(queueUrl, "queueUrl");
        return new DeadLetterQueue(sqs, queueUrl);
    }

    /** @return the queue URL */
    public String queueUrl() {
        return queueUrl;
    }

    /**
     * Sends one failed message.
     *
     * @param messageId         the original message id
     * @param body              the original body
     * @param groupId           the original group, or null
     * @param sourceQueue       the source queue ARN or URL, or null
     * @param stringAttributes  original string message attributes to copy (at most 6)
     * @param failure           why it failed
     */
    public void send(String messageId, String body, String groupId, String sourceQueue,
                     Map<String, String> stringAttributes, Throwable failure) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        stringAttributes.entrySet().stream().limit(MAX_COPIED_ATTRIBUTES).forEach(e -> attributes.put(e.getKey(), text(e.getValue())));
        String reason = String.valueOf(failure.getMessage());
        attributes.put("failure-reason", text(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason));
        attributes.put("failure-type", text(failure.getClass().getName()));
        attributes.put("source-message-id", text(messageId));
        if (sourceQueue != null) {
            attributes.put("source-queue", text(sourceQueue));
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl)
                .messageBody(body == null || body.isEmpty() ? "(empty body)" : body).messageAttributes(attributes);
        if (queueUrl.endsWith(".fifo")) {
            request.messageGroupId(groupId != null ? groupId : "dead-letters").messageDeduplicationId(messageId);
        }
        sqs.sendMessage(request.build());
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value.isEmpty() ? "-" : value).build();
    }

    @Override
    public String toString() {
        return "DeadLetterQueue{" + queueUrl + '}';
    }

    /**
     * Warms the SQS client for a SnapStart snapshot with a {@code GetQueueAttributes} of the
     * queue's ARN; nothing is sent. Needs {@code sqs:GetQueueAttributes} on the queue (SAM's
     * {@code SQSSendMessagePolicy} does not grant it; {@code SQSPollerPolicy} does).
     *
     * @throws io.github.serverlesspatterns.core.PatternsException naming the queue when it cannot be read
     */
    @Override
    public void prime() {
        try {
            sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN));
        } catch (RuntimeException e) {
            throw new PatternsException("dead-letter queue " + queueUrl + ": priming failed: " + e.getMessage(), e);
        }
    }
}
