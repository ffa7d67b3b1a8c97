package io.github.serverlesspatterns.testing.sam;

import io.github.serverlesspatterns.testing.SqsEventSource;
import io.github.serverlesspatterns.testing.StreamEventSource;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Event source mappings built from a function's events in an example's SAM template. */
public final class SamEventSources {

    private SamEventSources() {
    }

    /**
     * The function's {@code SQS} event as a local poller: batch size, batching window,
     * {@code ReportBatchItemFailures} and maximum concurrency as the template sets them.
     *
     * @param template   the SAM template
     * @param functionId the function's logical id
     * @param sqs        the queue's client
     * @param queueUrl   the local queue standing in for the event's queue
     * @param lambda     the Invoke API client
     * @param function   the name the function is registered under
     * @return the mapping, not started
     * @throws IllegalArgumentException if the function has no SQS event
     */
    @SuppressWarnings("unchecked")
    public static SqsEventSource sqs(Path template, String functionId, SqsClient sqs, String queueUrl, LambdaClient lambda, String function)
            {
        SamTemplate.Resource fn = SamTemplate.resources(template).get(functionId);
        if (fn == null || !(fn.properties().get("Events") instanceof Map<?, ?> events)) {
            throw new IllegalArgumentException(template + ": no function " + functionId + " with events");
        }
        for (Object e : events.values()) {
            Map<String, Object> event = (Map<String, Object>) e;
            if (!"SQS".equals(event.get("Type"))) {
                continue;
            }
            Map<String, Object> p = (Map<String, Object>) event.getOrDefault("Properties", Map.of());
            SqsEventSource.Builder b = SqsEventSource.builder(sqs, queueUrl, lambda, function);
            if (p.get("BatchSize") instanceof Number n) {
                b.batchSize(n.intValue());
            }
            if (p.get("MaximumBatchingWindowInSeconds") instanceof Number n) {
                b.maximumBatchingWindow(Duration.ofSeconds(n.longValue()));
            }
            b.reportBatchItemFailures(p.get("FunctionResponseTypes") instanceof List<?> types && types.contains("ReportBatchItemFailures"));
            if (p.get("ScalingConfig") instanceof Map<?, ?> scaling && scaling.get("MaximumConcurrency") instanceof Number n) {
                b.maximumConcurrency(n.intValue());
            }
            return b.build();
        }
        throw new IllegalArgumentException(template + ": " + functionId + " has no SQS event");
    }

    /**
     * The function's {@code Kinesis} or {@code DynamoDB} event settings: batch size,
     * {@code ReportBatchItemFailures}, retry attempts, bisection; the on-failure destination is the
     * given local queue when the template has one.
     *
     * @param template   the SAM template
     * @param functionId the function's logical id
     * @param sqs        the client of the local on-failure queue
     * @param onFailure  the local queue standing in for the event's on-failure destination
     * @return the settings
     * @throws IllegalArgumentException if the function has no stream event
     */
    @SuppressWarnings("unchecked")
    public static StreamEventSource.Settings stream(Path template, String functionId, SqsClient sqs,
                                                                                 String onFailure) {
        SamTemplate.Resource fn = SamTemplate.resources(template).get(functionId);
        if (fn == null || !(fn.properties().get("Events") instanceof Map<?, ?> events)) {
            throw new IllegalArgumentException(template + ": no function " + functionId + " with events");
        }
        for (Object e : events.values()) {
            Map<String, Object> event = (Map<String, Object>) e;
            if (!"Kinesis".equals(event.get("Type")) && !"DynamoDB".equals(event.get("Type"))) {
                continue;
            }
            Map<String, Object> p = (Map<String, Object>) event.getOrDefault("Properties", Map.of());
            boolean destination = p.get("DestinationConfig") instanceof Map<?, ?> d && d.get("OnFailure") != null;
            return new StreamEventSource.Settings(
                    p.get("BatchSize") instanceof Number n ? n.intValue() : 100,
                    p.get("FunctionResponseTypes") instanceof List<?> types && types.contains("ReportBatchItemFailures"),
                    p.get("MaximumRetryAttempts") instanceof Number n ? n.intValue() : -1,
                    Boolean.TRUE.equals(p.get("BisectBatchOnFunctionError")),
                    destination ? sqs : null, destination ? onFailure : null);
        }
        throw new IllegalArgumentException(template + ": " + functionId + " has no Kinesis or DynamoDB event");
    }
}
