package io.github.serverlesspatterns.examples.p18;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Pattern 18, Distributed Trigger: a CloudWatch Logs subscription filter invokes this function
 * (asynchronously) with the matching log events; it turns each into an alert event and publishes
 * it to the service's own SNS topic, whose subscribers buffer it in their own SQS queues.
 *
 * <p>The payload must be what CloudWatch Logs sends: {@code awslogs.data} is base64 of gzip of a
 * JSON document with {@code logGroup} and {@code logEvents}; anything else fails the invocation
 * with a message naming the problem, so Lambda's retries and then the on-failure destination keep
 * it. Publishing is all or nothing per invocation: if SNS refuses any entry the invocation fails
 * and is retried, and subscribers de-duplicate by the log event's {@code id} (carried in every
 * alert and as the {@code logEventId} attribute).
 */
public final class LogTriggerFunction implements RequestHandler<CloudWatchLogsEvent, Integer> {

    /** The largest payload a subscription sends is 256 KB compressed; refuse more than 8 MB unpacked. */
    static final int MAX_UNPACKED_BYTES = 8 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestHandler<CloudWatchLogsEvent, Integer> handler;

    /** Lambda's constructor: {@code ALERTS_TOPIC_ARN}. */
    public LogTriggerFunction() {
        this(SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("ALERTS_TOPIC_ARN"), "ALERTS_TOPIC_ARN is not set"));
    }

    /**
     * @param sns      SNS client
     * @param topicArn the service's alerts topic
     */
    public LogTriggerFunction(SnsClient sns, String topicArn) {
        Objects.requireNonNull(sns, "sns");
        Objects.requireNonNull(topicArn, "topicArn");
        Handler<CloudWatchLogsEvent, Integer> trigger = (event, invocation) -> {
            JsonNode logs = unpack(event);
            if ("CONTROL_MESSAGE".equals(logs.path("messageType").asText())) {
                return 0; // CloudWatch Logs checks that the destination is reachable
            }
            String logGroup = logs.path("logGroup").asText(null);
            JsonNode events = logs.get("logEvents");
            if (logGroup == null || events == null || !events.isArray()) {
                throw new IllegalArgumentException("awslogs.data has no logGroup or logEvents array");
            }
            List<PublishBatchRequestEntry> entries = new ArrayList<>();
            for (JsonNode e : events) {
                String id = e.path("id").asText(null);
                if (id == null || !e.hasNonNull("message")) {
                    throw new IllegalArgumentException("a log event of " + logGroup + " has no id or message");
                }
                Map<String, Object> alert = new LinkedHashMap<>();
                alert.put("logEventId", id);
                alert.put("logGroup", logGroup);
                alert.put("timestamp", e.path("timestamp").asLong());
                alert.put("message", e.get("message").asText());
                entries.add(PublishBatchRequestEntry.builder().id("e" + entries.size()).message(write(alert))
                        .messageAttributes(Map.of("logEventId", MessageAttributeValue.builder().dataType("String").stringValue(id).build()))
                        .build());
            }
            for (int from = 0; from < entries.size(); from += 10) { // PublishBatch takes at most 10 entries
                List<PublishBatchRequestEntry> chunk = entries.subList(from, Math.min(from + 10, entries.size()));
                PublishBatchResponse response = sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(chunk));
                if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("SNS refused " + response.failed().size() + " of " + chunk.size()
                            + " alerts (first: " + response.failed().get(0).message() + "); the invocation is retried");
                }
            }
            return entries.size();
        };
        this.handler = LambdaAdapters.toRequestHandler(trigger);
    }

    private static JsonNode unpack(CloudWatchLogsEvent event) {
        String data = event == null || event.getAwsLogs() == null ? null : event.getAwsLogs().getData();
        if (data == null) {
            throw new IllegalArgumentException("not a CloudWatch Logs event: awslogs.data is missing");
        }
        byte[] zipped;
        try {
            zipped = Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("awslogs.data is not base64: " + e.getMessage(), e);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
            byte[] json = in.readNBytes(MAX_UNPACKED_BYTES + 1);
            if (json.length > MAX_UNPACKED_BYTES) {
                throw new IllegalArgumentException("awslogs.data unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
            }
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("awslogs.data is not gzip-compressed JSON: " + e.getMessage(), e);
        }
    }

    private static String write(Map<String, Object> alert) {
        try {
            return JSON.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Integer handleRequest(CloudWatchLogsEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
