package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lambda's Kinesis and DynamoDB Streams event source mappings, run locally over moto's streams:
 * a poller per shard reads records in order, builds the {@code KinesisEvent} / {@code DynamodbEvent}
 * JSON as Lambda builds it, invokes the function synchronously through the Invoke API, and moves
 * its checkpoint as Lambda does: after a success, past the batch; with
 * {@code ReportBatchItemFailures}, up to the first failed sequence number, retried from there; after
 * a function error, not at all: the batch is retried (halved first with
 * {@code BisectBatchOnFunctionError}) until {@code MaximumRetryAttempts}, then its description goes
 * to the on-failure destination and the shard moves on. Records are never skipped otherwise, so one
 * shard's order holds. Thread-safe; {@link #close()} stops the pollers.
 */
public final class StreamEventSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamEventSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One shard of a stream, read in order. */
    private interface Shard {
        /** @return the next records after the last read, possibly none */
        List<ObjectNode> read(int limit);
    }

    private final String kind;
    private final String streamArn;
    private final List<Shard> shards;
    private final LambdaClient lambda;
    private final String function;
    private final Settings settings;
    private final Pollers pollers = new Pollers();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong checkpointed = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();

    private StreamEventSource(String kind, String streamArn, List<Shard> shards, LambdaClient lambda, String function, Settings settings) {
        this.kind = kind;
        this.streamArn = streamArn;
        this.shards = shards;
        this.lambda = lambda;
        this.function = function;
        this.settings = settings;
        List<Runnable> loops = new ArrayList<>();
        for (Shard shard : shards) {
            loops.add(() -> poll(shard));
        }
        pollers.start(kind + "-esm-" + function, loops);
    }

    /**
     * The settings of a template's {@code Kinesis} or {@code DynamoDB} event.
     *
     * @param batchSize               {@code BatchSize} (Lambda's default 100)
     * @param reportBatchItemFailures {@code FunctionResponseTypes: [ReportBatchItemFailures]}
     * @param maximumRetryAttempts    {@code MaximumRetryAttempts} (-1: until the record expires; Lambda's default)
     * @param bisectOnFunctionError   {@code BisectBatchOnFunctionError}
     * @param onFailure               the on-failure destination's SQS client, or {@code null}
     * @param onFailureQueueUrl       the on-failure destination queue, or {@code null}
     */
    public record Settings(int batchSize, boolean reportBatchItemFailures, int maximumRetryAttempts, boolean bisectOnFunctionError,
                           SqsClient onFailure, String onFailureQueueUrl) {
        /** Checks the values as Lambda does. */
        public Settings {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000: " + batchSize);
            }
            if (maximumRetryAttempts < -1 || maximumRetryAttempts > 10_000) {
                throw new IllegalArgumentException("maximumRetryAttempts must be -1 or 0 to 10000: " + maximumRetryAttempts);
            }
            if ((onFailure == null) != (onFailureQueueUrl == null)) {
                throw new IllegalArgumentException("an on-failure destination needs both its SQS client and its queue URL");
            }
        }
    }

    /**
     * Maps a Kinesis stream (every shard, from TRIM_HORIZON) to a function and starts polling.
     *
     * @param kinesis  the stream's client
     * @param stream   the stream's name
     * @param lambda   the Invoke API client
     * @param function the function's name
     * @param settings the mapping's settings
     * @return the running mapping
     */
    public static StreamEventSource kinesis(KinesisClient kinesis, String stream, LambdaClient lambda, String function, Settings settings) {
        Objects.requireNonNull(kinesis, "kinesis");
        String arn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
        List<Shard> shards = new ArrayList<>();
        for (var s : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String[] iterator = {kinesis.getShardIterator(b -> b.streamName(stream).shardId(s.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()};
            shards.add(limit -> {
                var result = kinesis.getRecords(b -> b.shardIterator(iterator[0]).limit(limit));
                iterator[0] = result.nextShardIterator();
                List<ObjectNode> records = new ArrayList<>();
                for (var r : result.records()) {
                    ObjectNode record = JSON.createObjectNode();
                    ObjectNode data = record.putObject("kinesis");
                    data.put("kinesisSchemaVersion", "1.0");
                    data.put("partitionKey", r.partitionKey());
                    data.put("sequenceNumber", r.sequenceNumber());
                    data.put("data", Base64.getEncoder().encodeToString(r.data().asByteArray()));
                    Instant arrival = r.approximateArrivalTimestamp() == null ? Instant.now() : r.approximateArrivalTimestamp();
                    data.put("approximateArrivalTimestamp", arrival.toEpochMilli() / 1000.0);
                    record.put("eventSource", "aws:kinesis");
                    record.put("eventVersion", "1.0");
                    record.put("eventID", s.shardId() + ":" + r.sequenceNumber());
                    record.put("eventName", "aws:kinesis:record");
                    record.put("invokeIdentityArn", "arn:aws:iam::" + AwsClients.ACCOUNT_ID + ":role/" + function + "-role");
                    record.put("awsRegion", AwsClients.REGION);
                    record.put("eventSourceARN", arn);
                    records.add(record);
                }
                return records;
            });
        }
        return new StreamEventSource("Kinesis", arn, shards, lambda, function, settings);
    }

    /**
     * Maps a DynamoDB table's stream (every shard, from TRIM_HORIZON) to a function and starts polling.
     *
     * @param streams   the DynamoDB Streams client
     * @param streamArn the table's {@code LatestStreamArn}
     * @param lambda    the Invoke API client
     * @param function  the function's name
     * @param settings  the mapping's settings
     * @return the running mapping
     */
    public static StreamEventSource dynamodb(DynamoDbStreamsClient streams, String streamArn, LambdaClient lambda, String function,
                                             Settings settings) {
        Objects.requireNonNull(streams, "streams");
        List<Shard> shards = new ArrayList<>();
        var description = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription();
        for (var s : description.shards()) {
            String[] iterator = {streams.getShardIterator(b -> b.streamArn(streamArn).shardId(s.shardId())
                    .shardIteratorType(software.amazon.awssdk.services.dynamodb.model.ShardIteratorType.TRIM_HORIZON)).shardIterator()};
            shards.add(limit -> {
                if (iterator[0] == null) {
                    return List.of();
                }
                var result = streams.getRecords(b -> b.shardIterator(iterator[0]).limit(Math.min(limit, 1000)));
                iterator[0] = result.nextShardIterator();
                List<ObjectNode> records = new ArrayList<>();
                for (var r : result.records()) {
                    ObjectNode record = JSON.createObjectNode();
                    record.put("eventID", r.eventID());
                    record.put("eventName", r.eventNameAsString());
                    record.put("eventVersion", r.eventVersion() == null ? "1.1" : r.eventVersion());
                    record.put("eventSource", "aws:dynamodb");
                    record.put("awsRegion", AwsClients.REGION);
                    ObjectNode data = record.putObject("dynamodb");
                    var d = r.dynamodb();
                    Instant created = d.approximateCreationDateTime() == null ? Instant.now() : d.approximateCreationDateTime();
                    data.put("ApproximateCreationDateTime", created.getEpochSecond());
                    if (d.hasKeys()) {
                        data.set("Keys", image(d.keys()));
                    }
                    if (d.hasNewImage()) {
                        data.set("NewImage", image(d.newImage()));
                    }
                    if (d.hasOldImage()) {
                        data.set("OldImage", image(d.oldImage()));
                    }
                    data.put("SequenceNumber", d.sequenceNumber());
                    data.put("SizeBytes", d.sizeBytes() == null ? 0 : d.sizeBytes());
                    data.put("StreamViewType", d.streamViewTypeAsString());
                    record.put("eventSourceARN", streamArn);
                    records.add(record);
                }
                return records;
            });
        }
        return new StreamEventSource("DynamoDB", streamArn, shards, lambda, function, settings);
    }

    /** An item in DynamoDB's JSON, as stream records carry it. */
    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode json = JSON.createObjectNode();
        item.forEach((name, value) -> json.set(name, attribute(value)));
        return json;
    }

    private static ObjectNode attribute(AttributeValue v) {
        ObjectNode json = JSON.createObjectNode();
        if (v.s() != null) {
            json.put("S", v.s());
        } else if (v.n() != null) {
            json.put("N", v.n());
        } else if (v.b() != null) {
            json.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
        } else if (v.bool() != null) {
            json.put("BOOL", v.bool());
        } else if (Boolean.TRUE.equals(v.nul())) {
            json.put("NULL", true);
        } else if (v.hasSs()) {
            v.ss().forEach(json.putArray("SS")::add);
        } else if (v.hasNs()) {
            v.ns().forEach(json.putArray("NS")::add);
        } else if (v.hasBs()) {
            ArrayNode bs = json.putArray("BS");
            v.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        } else if (v.hasL()) {
            ArrayNode l = json.putArray("L");
            v.l().forEach(e -> l.add(attribute(e)));
        } else if (v.hasM()) {
            json.set("M", image(v.m()));
        }
        return json;
    }

    /** @return invocations made so far */
    public long invocations() {
        return invocations.get();
    }

    /** @return records the checkpoint has moved past (handled, or discarded after the retries) */
    public long checkpointed() {
        return checkpointed.get();
    }

    /** @return records discarded after the retry attempts ran out (described to the on-failure destination) */
    public long discarded() {
        return discarded.get();
    }

    private static String sequence(ObjectNode record) {
        JsonNode kinesis = record.get("kinesis");
        return kinesis != null ? kinesis.get("sequenceNumber").asText() : record.get("dynamodb").get("SequenceNumber").asText();
    }

    private void poll(Shard shard) {
        List<ObjectNode> pending = new ArrayList<>();
        int attempts = 0;
        while (pollers.running()) {
            try {
                if (pending.size() < settings.batchSize()) {
                    pending.addAll(shard.read(settings.batchSize() - pending.size()));
                }
                if (pending.isEmpty()) {
                    Pollers.pause(100);
                    continue;
                }
                int size = Math.min(settings.batchSize(), pending.size());
                if (settings.bisectOnFunctionError() && attempts > 0) {
                    size = Math.max(1, size >> Math.min(attempts, 30)); // each failed try halves the batch
                }
                List<ObjectNode> batch = new ArrayList<>(pending.subList(0, size));
                int handled = deliver(batch);
                if (handled == THROTTLED) {
                    continue;
                }
                if (handled > 0) { // the checkpoint moves past what succeeded; a reported failure is retried from there
                    pending.subList(0, handled).clear();
                    checkpointed.addAndGet(handled);
                    attempts = handled == batch.size() ? 0 : 1;
                    continue;
                }
                // a function error, or the batch's first record reported failed: the same records again, or given up
                attempts++;
                if (settings.maximumRetryAttempts() >= 0 && attempts > settings.maximumRetryAttempts()) {
                    List<ObjectNode> lost = handled == 0 ? batch.subList(0, 1) : batch;
                    giveUp(lost, attempts);
                    pending.subList(0, lost.size()).clear();
                    checkpointed.addAndGet(lost.size());
                    discarded.addAndGet(lost.size());
                    attempts = 0;
                }
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable e) { // an Error from a client must not end the poller silently: the mapping would just stop
                if (pollers.running()) {
                    LOG.warn("{} event source for {}: {}", kind, function, e.toString());
                    Pollers.pause(200);
                }
            }
        }
    }

    private static final int THROTTLED = Integer.MIN_VALUE;

    /** @return how many records of the batch the checkpoint moves past; -1 for a function error; THROTTLED */
    private int deliver(List<ObjectNode> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        batch.forEach(records::add);
        invocations.incrementAndGet();
        InvokeResponse response;
        try {
            response = lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(event.toString())));
        } catch (TooManyRequestsException throttled) {
            Pollers.pause(100);
            return THROTTLED;
        }
        if (response.functionError() != null) {
            return -1;
        }
        if (!settings.reportBatchItemFailures()) {
            return batch.size();
        }
        try {
            JsonNode json = JSON.readTree(response.payload().asByteArray());
            JsonNode failures = json == null ? null : json.get("batchItemFailures");
            if (failures == null || failures.isNull() || failures.isEmpty()) {
                return batch.size();
            }
            int first = batch.size();
            for (JsonNode f : failures) {
                String id = f.path("itemIdentifier").asText("");
                int at = -1;
                for (int i = 0; i < batch.size(); i++) {
                    if (sequence(batch.get(i)).equals(id)) {
                        at = i;
                    }
                }
                if (at < 0) {
                    return -1; // an identifier that is not in the batch: Lambda fails the whole batch
                }
                first = Math.min(first, at);
            }
            return first; // checkpoint before the first failure; retried from it
        } catch (IOException notJson) {
            return -1;
        }
    }

    private void giveUp(List<ObjectNode> batch, int attempts) {
        LOG.warn("{} event source for {}: {} records discarded after {} attempts", kind, function, batch.size(), attempts);
        if (settings.onFailure() == null) {
            return;
        }
        ObjectNode record = JSON.createObjectNode();
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("functionArn", "arn:aws:lambda:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT_ID + ":function:" + function);
        context.put("condition", "RetryAttemptsExhausted");
        context.put("approximateInvokeCount", attempts);
        ObjectNode info = record.putObject(kind.equals("Kinesis") ? "KinesisBatchInfo" : "DDBStreamBatchInfo");
        info.put("shardId", batch.get(0).path("eventID").asText().split(":")[0]);
        info.put("startSequenceNumber", sequence(batch.get(0)));
        info.put("endSequenceNumber", sequence(batch.get(batch.size() - 1)));
        info.put("batchSize", batch.size());
        info.put("streamArn", streamArn);
        record.put("timestamp", Instant.now().toString());
        settings.onFailure().sendMessage(b -> b.queueUrl(settings.onFailureQueueUrl()).messageBody(record.toString()));
    }

    /** Stops the pollers; a batch being delivered finishes first. */
    @Override
    public void close() {
        pollers.stop();
    }

    @Override
    public String toString() {
        return "StreamEventSource{" + kind + " " + streamArn + " -> " + function + ", " + settings + ", shards=" + shards.size() + '}';
    }
}
