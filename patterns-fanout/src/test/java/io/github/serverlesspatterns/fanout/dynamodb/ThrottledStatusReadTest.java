package io.github.serverlesspatterns.fanout.dynamodb;

import io.github.serverlesspatterns.fanout.FanoutException;
import io.github.serverlesspatterns.fanout.JobStatus;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.ManualTicker;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's status read when DynamoDB throttles its shard reads (returns them as unprocessed keys,
 * which moto never does: a client in front of moto answers the first reads that way). The pauses
 * between reads go through the store's ticker, so the backoff is counted, not slept.
 */
@ExtendWith(LocalServicesExtension.class)
class ThrottledStatusReadTest {

    private static final String TABLE = "job-throttled";

    private MotoService moto;

    @BeforeEach
    void table(MotoService moto) {
        this.moto = moto;
        DynamoDbJobStore.create(moto.dynamoDb(), TABLE).createTableIfMissing();
    }

    /** moto's client, except that the first {@code throttled} BatchGetItem calls process nothing. */
    private DynamoDbClient throttling(int throttled, AtomicInteger batchReads) {
        DynamoDbClient real = moto.dynamoDb();
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("batchGetItem")) {
                        BatchGetItemRequest request = args[0] instanceof BatchGetItemRequest r ? r
                                : BatchGetItemRequest.builder().applyMutation(castConsumer(args[0])).build();
                        if (batchReads.incrementAndGet() <= throttled) {
                            return BatchGetItemResponse.builder().responses(Map.of()).unprocessedKeys(request.requestItems()).build();
                        }
                        return real.batchGetItem(request);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private static Consumer<BatchGetItemRequest.Builder> castConsumer(Object consumer) {
        return (Consumer<BatchGetItemRequest.Builder>) consumer;
    }

    private String jobWithOneResult(DynamoDbJobStore store) {
        String job = "job-" + System.nanoTime();
        store.createJob(job, 3, Instant.now().plus(Duration.ofMinutes(5)));
        store.recordResult(job, 1, new byte[] {1});
        return job;
    }

    @Test
    void throttledShardReads_areRetriedAfterDoublingPauses_onTheStoresTicker() {
        AtomicInteger batchReads = new AtomicInteger();
        ManualTicker ticker = new ManualTicker();
        DynamoDbJobStore store = DynamoDbJobStore.builder(throttling(3, batchReads), TABLE).ticker(ticker).build();
        String job = jobWithOneResult(store);

        JobStatus status = store.status(job);

        assertEquals(List.of(0, 2), status.missingTasks(), "read once DynamoDB served the shard");
        assertEquals(4, batchReads.get(), "3 throttled reads, then one served");
        assertEquals(3, ticker.pauses());
        assertEquals(DynamoDbJobStore.backoff(1).plus(DynamoDbJobStore.backoff(2)).plus(DynamoDbJobStore.backoff(3)), ticker.paused());
        assertEquals(Duration.ofMillis(50 + 100 + 200), ticker.paused());
    }

    @Test
    void shardReadsThrottledEveryTime_failWithAClearError_afterTheLastAttempt() {
        AtomicInteger batchReads = new AtomicInteger();
        ManualTicker ticker = new ManualTicker();
        DynamoDbJobStore store = DynamoDbJobStore.builder(throttling(Integer.MAX_VALUE, batchReads), TABLE).ticker(ticker).build();
        String job = jobWithOneResult(store);

        FanoutException e = assertThrows(FanoutException.class, () -> store.status(job));

        assertTrue(e.getMessage().contains("unread after " + DynamoDbJobStore.MAX_BATCH_ATTEMPTS + " attempts"), e.getMessage());
        assertEquals(DynamoDbJobStore.MAX_BATCH_ATTEMPTS, batchReads.get());
        assertEquals(DynamoDbJobStore.MAX_BATCH_ATTEMPTS - 1, ticker.pauses(), "a pause before each retry, none after the last");
        assertEquals(Duration.ofMillis(50 + 100 + 200 + 400 + 800 + 1000 + 1000), ticker.paused(), "doubling, capped at 1 s");
    }
}
