package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lambda's SQS event source mapping, run locally: pollers receive from a queue, build the
 * {@code SQSEvent} JSON exactly as Lambda builds it (every record's {@code messageId},
 * {@code receiptHandle}, {@code body}, {@code attributes} with {@code ApproximateReceiveCount},
 * {@code SentTimestamp}, {@code SenderId}, {@code ApproximateFirstReceiveTimestamp} and, on FIFO
 * queues, {@code SequenceNumber}, {@code MessageGroupId}, {@code MessageDeduplicationId};
 * {@code messageAttributes}, {@code md5OfBody}, {@code eventSource}, {@code eventSourceARN},
 * {@code awsRegion}), invoke the function synchronously through the Invoke API, and then do what
 * Lambda does with the outcome: a function error, a throttle or a malformed batch response leaves
 * the whole batch to the visibility timeout (and so to the queue's redrive policy); with
 * {@code ReportBatchItemFailures}, only the successes are deleted; otherwise the whole batch is.
 *
 * <p>Settings follow the template's {@code SQS} event: batch size, batching window, report batch
 * item failures, maximum concurrency (the number of pollers). Start it with {@link #start()},
 * stop it with {@link #close()}. Thread-safe.
 */
public final class SqsEventSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final LambdaClient lambda;
    private final String function;
    private final int batchSize;
    private final Duration batchingWindow;
    private final boolean reportBatchItemFailures;
    private final int concurrency;
    private final Pollers pollers = new Pollers();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();

    private SqsEventSource(Builder b) {
        this.sqs = b.sqs;
        this.queueUrl = b.queueUrl;
        this.lambda = b.lambda;
        this.function = b.function;
        this.batchSize = b.batchSize;
        this.batchingWindow = b.batchingWindow;
        this.reportBatchItemFailures = b.reportBatchItemFailures;
        this.concurrency = b.concurrency;
        this.queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * @param sqs      the client of the queue's SQS
     * @param queueUrl the queue
     * @param lambda   the client of the Invoke API the function is served on
     * @param function the function's name
     * @return a builder with Lambda's defaults: batch size 10, no batching window, no
     *         {@code ReportBatchItemFailures}, 2 pollers
     */
    public static Builder builder(SqsClient sqs, String queueUrl, LambdaClient lambda, String function) {
        return new Builder(sqs, queueUrl, lambda, function);
    }

    /**
     * Starts the pollers.
     *
     * @return this mapping
     * @throws IllegalStateException if it runs already
     */
    public SqsEventSource start() {
        List<Runnable> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            loops.add(this::poll);
        }
        pollers.start("sqs-esm-" + function, loops);
        return this;
    }

    /** @return invocations made so far */
    public long invocations() {
        return invocations.get();
    }

    /** @return messages deleted after their batch (or their item) succeeded */
    public long deleted() {
        return deleted.get();
    }

    /** @return batches left whole to the visibility timeout (function error, throttle, malformed response) */
    public long failedBatches() {
        return failedBatches.get();
    }

    private void poll() {
        while (pollers.running()) {
            try {
                List<Message> batch = receiveBatch();
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable e) { // an Error from a client must not end the poller silently: the mapping would just stop
                if (pollers.running()) {
                    LOG.warn("SQS event source for {}: {}", function, e.toString());
                    Pollers.pause(200);
                }
            }
        }
    }

    /** Receives up to the batch size, waiting up to the batching window to fill it, as the poller does. */
    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>();
        long end = System.nanoTime() + batchingWindow.toNanos();
        do {
            int want = Math.min(10, batchSize - batch.size());
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(want).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            batch.addAll(got);
            if (got.isEmpty() && batch.isEmpty()) {
                return batch;
            }
        } while (pollers.running() && batch.size() < batchSize && System.nanoTime() < end);
        return batch;
    }

    private void deliver(List<Message> batch) {
        ObjectNode event = event(batch);
        invocations.incrementAndGet();
        InvokeResponse response;
        try {
            response = lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(event.toString())));
        } catch (TooManyRequestsException throttled) {
            failedBatches.incrementAndGet();
            return;
        }
        if (response.functionError() != null) {
            failedBatches.incrementAndGet();
            return; // the whole batch comes back after the visibility timeout
        }
        Set<String> failed = new HashSet<>();
        if (reportBatchItemFailures) {
            Set<String> ids = new HashSet<>();
            batch.forEach(m -> ids.add(m.messageId()));
            try {
                JsonNode json = JSON.readTree(response.payload().asByteArray());
                JsonNode failures = json == null ? null : json.get("batchItemFailures");
                if (failures != null && !failures.isNull()) {
                    for (JsonNode f : failures) {
                        String id = f.path("itemIdentifier").asText(null);
                        if (id == null || id.isEmpty() || !ids.contains(id)) {
                            LOG.warn("SQS event source for {}: batch response names item {} that is not in the batch: the whole batch "
                                    + "fails, as on Lambda", function, id);
                            failedBatches.incrementAndGet();
                            return;
                        }
                        failed.add(id);
                    }
                }
            } catch (IOException notJson) {
                failedBatches.incrementAndGet();
                return;
            }
        }
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (Message m : batch) {
            if (!failed.contains(m.messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(deletes.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        for (int from = 0; from < deletes.size(); from += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = deletes.subList(from, Math.min(deletes.size(), from + 10));
            int ok = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(chunk)).successful().size();
            deleted.addAndGet(ok);
        }
    }

    /** The event, as Lambda's SQS poller builds it. */
    ObjectNode event(List<Message> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : m.attributes().entrySet()) {
                String name = a.getKey().toString();
                if (name.equals("ApproximateReceiveCount") || name.equals("SentTimestamp") || name.equals("SenderId")
                        || name.equals("ApproximateFirstReceiveTimestamp") || name.equals("SequenceNumber")
                        || name.equals("MessageGroupId") || name.equals("MessageDeduplicationId") || name.equals("AWSTraceHeader")
                        || name.equals("DeadLetterQueueSourceArn")) {
                    attributes.put(name, a.getValue());
                }
            }
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                ObjectNode value = messageAttributes.putObject(a.getKey());
                MessageAttributeValue v = a.getValue();
                if (v.stringValue() != null) {
                    value.put("stringValue", v.stringValue());
                }
                if (v.binaryValue() != null) {
                    value.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
                }
                value.putArray("stringListValues");
                value.putArray("binaryListValues");
                value.put("dataType", v.dataType());
            }
            record.put("md5OfBody", m.md5OfBody());
            if (m.md5OfMessageAttributes() != null) {
                record.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
            }
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", AwsClients.REGION);
        }
        return event;
    }

    /** Stops the pollers; a batch being delivered finishes first. */
    @Override
    public void close() {
        pollers.stop();
    }

    @Override
    public String toString() {
        return "SqsEventSource{" + queueArn + " -> " + function + ", batchSize=" + batchSize + ", reportBatchItemFailures="
                + reportBatchItemFailures + ", concurrency=" + concurrency + '}';
    }

    /** Builder of {@link SqsEventSource}: the template's {@code SQS} event properties. Not thread-safe. */
    public static final class Builder {
        private final SqsClient sqs;
        private final String queueUrl;
        private final LambdaClient lambda;
        private final String function;
        private int batchSize = 10;
        private Duration batchingWindow = Duration.ZERO;
        private boolean reportBatchItemFailures;
        private int concurrency = 2;

        private Builder(SqsClient sqs, String queueUrl, LambdaClient lambda, String function) {
            this.sqs = Objects.requireNonNull(sqs, "sqs");
            this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
            this.lambda = Objects.requireNonNull(lambda, "lambda");
            this.function = Objects.requireNonNull(function, "function");
        }

        /**
         * @param batchSize {@code BatchSize}: 1 to 10,000 (above 10 needs a batching window, as on Lambda)
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000: " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param window {@code MaximumBatchingWindowInSeconds}: 0 to 300 seconds
         * @return this builder
         */
        public Builder maximumBatchingWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.compareTo(Duration.ofSeconds(300)) > 0) {
                throw new IllegalArgumentException("maximumBatchingWindow must be between 0 and 300 s: " + window);
            }
            this.batchingWindow = window;
            return this;
        }

        /**
         * @param on {@code FunctionResponseTypes: [ReportBatchItemFailures]}
         * @return this builder
         */
        public Builder reportBatchItemFailures(boolean on) {
            this.reportBatchItemFailures = on;
            return this;
        }

        /**
         * @param pollers {@code ScalingConfig.MaximumConcurrency} (2 to 1000 on Lambda): batches delivered at once
         * @return this builder
         */
        public Builder maximumConcurrency(int pollers) {
            if (pollers < 1 || pollers > 1000) {
                throw new IllegalArgumentException("maximumConcurrency must be between 1 and 1000: " + pollers);
            }
            this.concurrency = pollers;
            return this;
        }

        /** @return the mapping, not started */
        public SqsEventSource build() {
            if (batchSize > 10 && batchingWindow.isZero()) {
                throw new IllegalStateException("a batch size over 10 needs a batching window, as on Lambda: batchSize " + batchSize);
            }
            return new SqsEventSource(this);
        }
    }
}
