package io.github.serverlesspatterns.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class MotoServiceTest {

    @Test
    void failedConditionalWrite_returnsTheOldItem(MotoService moto) {
        DynamoDbClient dynamo = moto.dynamoDb();
        dynamo.createTable(b -> b.tableName("kit-conditional")
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName("kit-conditional"));

        Map<String, AttributeValue> first = Map.of("pk", AttributeValue.fromS("k1"), "owner", AttributeValue.fromS("first"));
        dynamo.putItem(b -> b.tableName("kit-conditional").item(first).conditionExpression("attribute_not_exists(pk)"));

        ConditionalCheckFailedException e = assertThrows(ConditionalCheckFailedException.class,
                () -> dynamo.putItem(b -> b.tableName("kit-conditional")
                        .item(Map.of("pk", AttributeValue.fromS("k1"), "owner", AttributeValue.fromS("second")))
                        .conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));

        assertTrue(e.hasItem(), "moto returns the old item on a failed condition");
        assertEquals("first", e.item().get("owner").s());
    }

    @Test
    void kinesisRecords_roundTripInOrder(MotoService moto) {
        var kinesis = moto.kinesis();
        kinesis.createStream(b -> b.streamName("kit-stream").shardCount(1));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName("kit-stream"));
        for (int i = 0; i < 3; i++) {
            String data = "r" + i;
            kinesis.putRecord(b -> b.streamName("kit-stream").partitionKey("k").data(software.amazon.awssdk.core.SdkBytes.fromUtf8String(data)));
        }
        String shard = kinesis.listShards(b -> b.streamName("kit-stream")).shards().get(0).shardId();
        String iterator = kinesis.getShardIterator(b -> b.streamName("kit-stream").shardId(shard)
                .shardIteratorType(software.amazon.awssdk.services.kinesis.model.ShardIteratorType.TRIM_HORIZON)).shardIterator();
        assertEquals(java.util.List.of("r0", "r1", "r2"), kinesis.getRecords(b -> b.shardIterator(iterator)).records().stream()
                .map(r -> r.data().asUtf8String()).toList());
    }
}
