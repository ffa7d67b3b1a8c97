package io.github.serverlesspatterns.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(LocalServicesExtension.class)
class DynamoDbCapacityTest {

    @Test
    void itemSizes_followDynamoDbsRules() {
        // name bytes + value: string bytes; a number one byte per two significant digits plus one; binary bytes; sets summed
        assertEquals(2 + 3, DynamoDbCapacity.itemSize(Map.of("id", AttributeValue.fromS("abc"))));
        assertEquals(1 + (3 + 1), DynamoDbCapacity.itemSize(Map.of("n", AttributeValue.fromN("12345"))));
        assertEquals(1 + 2, DynamoDbCapacity.itemSize(Map.of("n", AttributeValue.fromN("1000"))), "trailing zeros trimmed");
        assertEquals(1 + 10, DynamoDbCapacity.itemSize(Map.of("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[10])))));
        assertEquals(4 + 2 + 3, DynamoDbCapacity.itemSize(Map.of("done", AttributeValue.fromNs(List.of("7", "1234")))));
        assertEquals(1 + 3 + (1 + 1) + (1 + 1), DynamoDbCapacity.itemSize(Map.of("l",
                AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromBool(true))))));
    }

    @Test
    void writes_areChargedPerKilobyteOfTheLargerItem_andRefusedConditionalWritesToo(MotoService moto) {
        moto.dynamoDb().createTable(b -> b.tableName("capacity-test").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build()));
        DynamoDbCapacity capacity = new DynamoDbCapacity(moto.dynamoDb());
        try (DynamoDbClient client = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), capacity).build()) {
            Map<String, AttributeValue> big = Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromS("x".repeat(1500)));
            client.putItem(b -> b.tableName("capacity-test").item(big)); // 1,504 bytes: 2 units
            assertEquals(2, capacity.writeUnits());
            assertThrows(ConditionalCheckFailedException.class, () -> client.putItem(b -> b.tableName("capacity-test").item(big)
                    .conditionExpression("attribute_not_exists(pk)")));
            assertEquals(2 + 2, capacity.writeUnits(), "refused, charged by the item there");
            client.updateItem(b -> b.tableName("capacity-test").key(Map.of("pk", AttributeValue.fromS("a")))
                    .updateExpression("SET w = :w").expressionAttributeValues(Map.of(":w", AttributeValue.fromS("y".repeat(1000)))));
            assertEquals(2 + 2 + 3, capacity.writeUnits(), "the update grew the item to 2,505 bytes: 3 units");
            client.getItem(b -> b.tableName("capacity-test").key(Map.of("pk", AttributeValue.fromS("a"))).consistentRead(true));
            assertEquals(1, capacity.readUnits());
            assertEquals(Map.of("PutItem", 2L, "UpdateItem", 1L, "GetItem", 1L), capacity.callsByOperation());
        }
    }
}
