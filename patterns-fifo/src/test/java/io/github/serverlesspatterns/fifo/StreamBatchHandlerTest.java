package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real DynamoDB Streams records (moto), handed to the batch handler as Lambda would. */
@ExtendWith(LocalServicesExtension.class)
class StreamBatchHandlerTest {

    private static List<DynamodbEvent.DynamodbStreamRecord> streamRecords(MotoService moto, String table, int items) {
        DynamoDbClient dynamo = moto.dynamoDb();
        dynamo.createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (int i = 0; i < items; i++) {
            int n = i;
            dynamo.putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("item-" + n),
                    "last_updated", AttributeValue.fromN(Integer.toString(100 + n)))));
        }
        String streamArn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        DynamoDbStreamsClient streams = moto.dynamoDbStreams();
        String shard = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards().get(0).shardId();
        String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>();
        for (Record r : streams.getRecords(b -> b.shardIterator(iterator)).records()) {
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventID(r.eventID());
            record.setEventName(r.eventNameAsString());
            record.setEventSourceARN(streamArn);
            record.setDynamodb(new StreamRecord().withSequenceNumber(r.dynamodb().sequenceNumber())
                    .withKeys(convert(r.dynamodb().keys())).withNewImage(convert(r.dynamodb().newImage())));
            converted.add(record);
        }
        return converted;
    }

    /** String and number attributes, which is all these records carry. */
    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> convert(
            Map<String, AttributeValue> image) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new HashMap<>();
        image.forEach((k, v) -> out.put(k, v.s() != null
                ? new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withS(v.s())
                : new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue().withN(v.n())));
        return out;
    }

    @Test
    void aFailedRecord_isReportedWithItsSequenceNumber_andTheBatchResumesThere(MotoService moto) {
        List<DynamodbEvent.DynamodbStreamRecord> records = streamRecords(moto, "stream-resume", 8);
        assertEquals(8, records.size());
        List<String> applied = new CopyOnWriteArrayList<>();
        boolean[] failOnce = {true};
        StreamBatchHandler<DynamodbEvent, DynamodbEvent.DynamodbStreamRecord> batch = StreamBatchHandler.dynamodb((r, inv) -> {
            String id = r.getDynamodb().getKeys().get("id").getS();
            if (id.equals("item-3") && failOnce[0]) {
                failOnce[0] = false;
                throw new IllegalStateException("reporting database busy");
            }
            applied.add(id);
            return null;
        });
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);

        StreamsEventResponse first = batch.handle(event, Invocation.builder().build());
        String failedSequence = first.getBatchItemFailures().get(0).getItemIdentifier();
        assertEquals(records.get(3).getDynamodb().getSequenceNumber(), failedSequence);
        assertEquals(List.of("item-0", "item-1", "item-2"), applied, "nothing after the failed record ran");

        // Lambda retries from the reported sequence number
        DynamodbEvent retry = new DynamodbEvent();
        retry.setRecords(records.subList(3, records.size()));
        assertTrue(batch.handle(retry, Invocation.builder().build()).getBatchItemFailures().isEmpty());
        assertEquals(List.of("item-0", "item-1", "item-2", "item-3", "item-4", "item-5", "item-6", "item-7"), applied);
    }

    @Test
    void reportingEveryFailure_runsEveryRecord_andReportsEachFailedOneBySequenceNumber(MotoService moto) {
        List<DynamodbEvent.DynamodbStreamRecord> records = streamRecords(moto, "stream-every-failure", 6);
        List<String> applied = new CopyOnWriteArrayList<>();
        StreamBatchHandler<DynamodbEvent, DynamodbEvent.DynamodbStreamRecord> batch = StreamBatchHandler.<DynamodbEvent.DynamodbStreamRecord>dynamodb((r, inv) -> {
            String id = r.getDynamodb().getKeys().get("id").getS();
            if (id.equals("item-1")) {
                throw new IllegalStateException("busy");
            }
            if (id.equals("item-4")) {
                throw new AssertionError("an Error is a failure like any other");
            }
            applied.add(id);
            return null;
        }).reportingEveryFailure();
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        List<String> reported = batch.handle(event, Invocation.builder().build()).getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
        assertEquals(List.of(records.get(1).getDynamodb().getSequenceNumber(), records.get(4).getDynamodb().getSequenceNumber()),
                reported);
        assertEquals(List.of("item-0", "item-2", "item-3", "item-5"), applied, "the records after a failure ran");
    }
}
