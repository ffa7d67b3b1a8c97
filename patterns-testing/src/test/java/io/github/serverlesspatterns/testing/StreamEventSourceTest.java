package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambda's stream pollers, locally: events as Lambda builds them, and the checkpoint after each outcome. */
@ExtendWith(LocalServicesExtension.class)
class StreamEventSourceTest {

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static String stream(MotoService moto, String name, int records) throws InterruptedException {
        var kinesis = moto.kinesis();
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        await(() -> "ACTIVE".equals(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
                .streamStatusAsString()), "the stream");
        for (int i = 0; i < records; i++) {
            int n = i;
            kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(SdkBytes.fromUtf8String("r-" + n)));
        }
        return name;
    }

    /** Fails the record "r-3" the first 2 times it sees it, with ReportBatchItemFailures. */
    public static final class FlakyReader implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        private final List<String> seen;

        FlakyReader(List<String> seen) {
            this.seen = seen;
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
                String data = StandardCharsets.UTF_8.decode(r.getKinesis().getData()).toString();
                seen.add(data);
                if (data.equals("r-3") && seen.stream().filter("r-3"::equals).count() <= 2) {
                    return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                            new StreamsEventResponse.BatchItemFailure(r.getKinesis().getSequenceNumber()))).build();
                }
            }
            return new StreamsEventResponse(List.of());
        }
    }

    @Test
    void kinesis_reportedFailure_checkpointsBeforeIt_andRetriesFromIt_inOrder(MotoService moto, LambdaService lambda) throws Exception {
        String name = stream(moto, "esm-kinesis-" + System.nanoTime(), 6);
        List<String> seen = new CopyOnWriteArrayList<>();
        lambda.register("esm-kinesis", LocalFunction.of(new FlakyReader(seen)));
        try (StreamEventSource esm = StreamEventSource.kinesis(moto.kinesis(), name, lambda.client(), "esm-kinesis",
                new StreamEventSource.Settings(100, true, -1, false, null, null))) {
            await(() -> esm.checkpointed() == 6, "six records checkpointed");
        }
        // the reader stops at its first failure (as StreamBatchHandler does): each retry starts at r-3, nothing is skipped
        assertEquals(List.of("r-0", "r-1", "r-2", "r-3", "r-3", "r-3", "r-4", "r-5"), seen,
                "r-0..r-2 once; from r-3 on again after each reported failure");
    }

    @Test
    void kinesis_functionErrorPastTheRetryAttempts_describesTheBatchToTheOnFailureDestination_andMovesOn(MotoService moto,
            LambdaService lambda, SqsService sqs) throws Exception {
        String name = stream(moto, "esm-kinesis-fail-" + System.nanoTime(), 2);
        String failures = sqs.createQueue("esm-kinesis-failures");
        List<String> seen = new CopyOnWriteArrayList<>();
        lambda.register("esm-kinesis-fail", LocalFunction.of(KinesisEvent.class, void.class, (RequestHandler<KinesisEvent, Void>) (e, c) -> {
            e.getRecords().forEach(r -> seen.add(StandardCharsets.UTF_8.decode(r.getKinesis().getData()).toString()));
            throw new IllegalStateException("sink down");
        }));
        try (StreamEventSource esm = StreamEventSource.kinesis(moto.kinesis(), name, lambda.client(), "esm-kinesis-fail",
                new StreamEventSource.Settings(10, false, 2, false, sqs.client(), failures))) {
            await(() -> esm.discarded() == 2, "the batch discarded after its retries");
            assertEquals(3, esm.invocations(), "the first try and 2 retries");
        }
        JsonNode record = new ObjectMapper().readTree(sqs.client().receiveMessage(b -> b.queueUrl(failures).waitTimeSeconds(2))
                .messages().get(0).body());
        assertEquals("RetryAttemptsExhausted", record.at("/requestContext/condition").asText());
        assertEquals(2, record.at("/KinesisBatchInfo/batchSize").asInt());
        assertTrue(record.at("/KinesisBatchInfo/streamArn").asText().endsWith(name), record.toString());
        assertEquals(List.of("r-0", "r-1", "r-0", "r-1", "r-0", "r-1"), seen);
    }

    @Test
    void dynamodb_recordsCarryKeysImagesAndSequence_throughTheRuntimesDynamodbEvent(MotoService moto, LambdaService lambda) throws Exception {
        String table = "esm-ddb-" + System.nanoTime();
        moto.dynamoDb().createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        moto.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("c-1"), "n", AttributeValue.fromN("1"),
                "tags", AttributeValue.fromSs(List.of("a", "b")))));
        moto.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("c-1"), "n", AttributeValue.fromN("2"))));
        String arn = moto.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        List<DynamodbEvent.DynamodbStreamRecord> seen = new CopyOnWriteArrayList<>();
        lambda.register("esm-ddb", LocalFunction.of(DynamodbEvent.class, StreamsEventResponse.class,
                (RequestHandler<DynamodbEvent, StreamsEventResponse>) (e, c) -> {
                    seen.addAll(e.getRecords());
                    return new StreamsEventResponse(List.of());
                }));
        try (StreamEventSource esm = StreamEventSource.dynamodb(moto.dynamoDbStreams(), arn, lambda.client(), "esm-ddb",
                new StreamEventSource.Settings(100, true, -1, false, null, null))) {
            await(() -> esm.checkpointed() == 2, "two changes");
        }
        DynamodbEvent.DynamodbStreamRecord insert = seen.get(0);
        DynamodbEvent.DynamodbStreamRecord modify = seen.get(1);
        assertEquals("INSERT", insert.getEventName());
        assertEquals("MODIFY", modify.getEventName());
        assertEquals("aws:dynamodb", insert.getEventSource());
        assertEquals(arn, insert.getEventSourceARN());
        assertEquals("c-1", insert.getDynamodb().getKeys().get("id").getS());
        assertEquals(List.of("a", "b"), insert.getDynamodb().getNewImage().get("tags").getSS());
        assertEquals("1", modify.getDynamodb().getOldImage().get("n").getN());
        assertEquals("2", modify.getDynamodb().getNewImage().get("n").getN());
        assertNotNull(modify.getDynamodb().getSequenceNumber());
    }
}
