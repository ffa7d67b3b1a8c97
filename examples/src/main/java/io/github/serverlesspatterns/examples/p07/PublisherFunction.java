package io.github.serverlesspatterns.examples.p07;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pattern 7, Notifier: the orders service publishes its domain events to its own SNS topic, a
 * standalone service that other services subscribe themselves to (each with its own SQS buffer
 * and, if it wants only some events, a filter policy on {@code eventType}). The publisher knows
 * no subscriber. An event without a known {@code eventType} or an {@code orderId} is refused
 * before anything is published.
 */
public final class PublisherFunction implements RequestHandler<Map<String, Object>, String> {

    /** The event types this topic carries. */
    public static final Set<String> EVENT_TYPES = Set.of("order.placed", "order.shipped", "order.cancelled");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestHandler<Map<String, Object>, String> handler;

    /** Lambda's constructor: {@code TOPIC_ARN}. */
    public PublisherFunction() {
        this(SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("TOPIC_ARN"), "TOPIC_ARN is not set"));
    }

    /**
     * @param sns      SNS client
     * @param topicArn the orders topic
     */
    public PublisherFunction(SnsClient sns, String topicArn) {
        Objects.requireNonNull(sns, "sns");
        Objects.requireNonNull(topicArn, "topicArn");
        Handler<Map<String, Object>, String> publish = (event, invocation) -> {
            Object type = event == null ? null : event.get("eventType");
            if (!EVENT_TYPES.contains(type)) {
                throw new IllegalArgumentException("eventType must be one of " + new java.util.TreeSet<>(EVENT_TYPES) + ", got " + type);
            }
            if (!(event.get("orderId") instanceof String orderId) || orderId.isBlank()) {
                throw new IllegalArgumentException("orderId is missing");
            }
            String body;
            try {
                body = JSON.writeValueAsString(event);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the event cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
            return sns.publish(b -> b.topicArn(topicArn).message(body)
                    .messageAttributes(Map.of("eventType", MessageAttributeValue.builder().dataType("String").stringValue((String) type).build())))
                    .messageId();
        };
        this.handler = LambdaAdapters.toRequestHandler(publish);
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return handler.handleRequest(event, context);
    }
}
