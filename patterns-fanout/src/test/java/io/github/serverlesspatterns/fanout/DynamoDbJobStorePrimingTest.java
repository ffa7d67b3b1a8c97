package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class DynamoDbJobStorePrimingTest {

    @Test
    void prime_readsWithoutWritingAnything(MotoService moto) {
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-prime");
        store.createTableIfMissing();
        store.prime();
        assertEquals(0, moto.dynamoDb().scan(b -> b.tableName("fan-prime")).count(), "priming wrote an item");
    }

    @Test
    void prime_whenDynamoDbIsDown_namesTheTable() {
        try (DynamoDbClient dead = AwsClients.configure(DynamoDbClient.builder(), URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(r -> r.maxAttempts(1))).build()) {
            PatternsException e = assertThrows(PatternsException.class,
                    () -> DynamoDbJobStore.create(dead, "fan-prime").prime());
            assertTrue(e.getMessage().contains("fan-prime"), e.getMessage());
        }
    }
}
