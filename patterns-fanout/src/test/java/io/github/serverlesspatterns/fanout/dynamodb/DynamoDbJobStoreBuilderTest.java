package io.github.serverlesspatterns.fanout.dynamodb;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the job store's builder refuses, each with the setting and the value (what it applies: {@code JobLifecycleTest}). */
class DynamoDbJobStoreBuilderTest {

    @Test
    void theBuilder_refusesABlankTable_aRetentionUnderAMinute_andNulls() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).build()) {
            assertEquals("table must not be blank: ''", assertThrows(IllegalArgumentException.class,
                    () -> DynamoDbJobStore.create(dynamo, "")).getMessage());
            assertEquals("retention must be at least 1 minute: PT59S", assertThrows(IllegalArgumentException.class,
                    () -> DynamoDbJobStore.builder(dynamo, "jobs").retention(Duration.ofSeconds(59))).getMessage());
            assertEquals("table is required", assertThrows(NullPointerException.class,
                    () -> DynamoDbJobStore.builder(dynamo, null)).getMessage());
            assertThrows(NullPointerException.class, () -> DynamoDbJobStore.builder(null, "jobs"));
            assertThrows(NullPointerException.class, () -> DynamoDbJobStore.builder(dynamo, "jobs").clock(null));
            assertThrows(NullPointerException.class, () -> DynamoDbJobStore.builder(dynamo, "jobs").ticker(null));
        }
    }
}
