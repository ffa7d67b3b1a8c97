package io.github.serverlesspatterns.circuitbreaker.dynamodb;

import io.github.serverlesspatterns.circuitbreaker.CircuitState;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's builder: what it refuses, and that the TTL and clock it is given reach the item. */
@ExtendWith(LocalServicesExtension.class)
class DynamoDbCircuitStateStoreBuilderTest {

    @Test
    void aWrite_expiresTheTtlAfterTheBuildersClock(MotoService moto) {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        DynamoDbCircuitStateStore store = DynamoDbCircuitStateStore.builder(moto.dynamoDb(), "circuits-builder")
                .ttl(Duration.ofHours(2)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        store.createTableIfMissing();
        assertTrue(store.compareAndSet("partner", 0, CircuitState.initial()).isEmpty());
        Map<String, AttributeValue> item = moto.dynamoDb().getItem(b -> b.tableName("circuits-builder")
                .key(Map.of("name", AttributeValue.fromS("partner"))).consistentRead(true)).item();
        assertEquals(now.plus(Duration.ofHours(2)).getEpochSecond(), Long.parseLong(item.get("expiration").n()));
    }

    @Test
    void theBuilder_refusesABlankTable_aTtlUnderASecond_andNulls() {
        try (var dynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).build()) {
            assertEquals("tableName must not be blank: ' '", assertThrows(IllegalArgumentException.class,
                    () -> DynamoDbCircuitStateStore.builder(dynamo, " ")).getMessage());
            assertEquals("ttl must be at least 1 second: PT0.5S", assertThrows(IllegalArgumentException.class,
                    () -> DynamoDbCircuitStateStore.builder(dynamo, "circuits").ttl(Duration.ofMillis(500))).getMessage());
            assertThrows(NullPointerException.class, () -> DynamoDbCircuitStateStore.builder(null, "circuits"));
            assertThrows(NullPointerException.class, () -> DynamoDbCircuitStateStore.builder(dynamo, "circuits").clock(null));
        }
    }
}
