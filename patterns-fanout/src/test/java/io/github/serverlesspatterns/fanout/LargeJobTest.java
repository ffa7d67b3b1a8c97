package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.DynamoDbCapacity;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job of many shards: 4,000 tasks (10,000 for SCALE.md's figures) with 200-byte results recorded by 32 workers at once, with the store calls and the write units DynamoDB
 * would charge counted (SCALE.md takes its fan-in figures from this test's output line).
 */
@ExtendWith(LocalServicesExtension.class)
class LargeJobTest {

    /** 4,000 in CI (40 shards, the same bounds per task); SCALE.md's figures: {@code -Dfanout.largeJob.tasks=10000}. */
    private static final int TASKS = Integer.getInteger("fanout.largeJob.tasks", 4_000);
    private static final int WORKERS = 32;

    @Test
    void thousandsOfTasks_with32Workers_completeOnce_atTwoWritesAndTwoWriteUnitsPerTask(MotoService moto) throws Exception {
        DynamoDbCapacity capacity = new DynamoDbCapacity(moto.dynamoDb());
        String job = "big-job-" + java.util.UUID.randomUUID();
        try (DynamoDbClient counted = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), capacity).build()) {
            DynamoDbJobStore setup = DynamoDbJobStore.create(moto.dynamoDb(), "fan-large-jobs");
            setup.createTableIfMissing();
            DynamoDbJobStore store = DynamoDbJobStore.create(counted, "fan-large-jobs");
            setup.createJob(job, TASKS, Instant.now().plusSeconds(1800));
            List<String> completions = new CopyOnWriteArrayList<>();
            String padding = "x".repeat(190);
            Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> String.format("%08d", task.payload()) + padding,
                    FanIn.of(store, Codecs.utf8(), completions::add));
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < WORKERS; t++) {
                    int slice = t;
                    futures.add(pool.submit(() -> {
                        for (int i = slice; i < TASKS; i += WORKERS) {
                            worker.handle(new Task<>(job, i, i), Invocation.builder().build());
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            long calls = capacity.calls();
            long writeUnits = capacity.writeUnits();
            int shards = (TASKS + DynamoDbJobStore.SHARD_SIZE - 1) / DynamoDbJobStore.SHARD_SIZE;
            // the model: per task a result put and a shard ADD (1 unit each: item under 1 KB); per shard a second ADD that
            // reads the set back and the job record's fullShards ADD (its fast try, then perhaps the one that reads it);
            // per job the completion claim and done, and one read of the job per worker that started before the first read returned
            long modelWrites = 2L * TASKS + 3L * shards + 2;
            System.out.printf("fan-in %,d tasks x %d workers: %,d store calls (%.3f per task, %s), %,d write units (%.3f per task); "
                            + "model: <= %,d writes (%.3f per task) of 1 unit each%n",
                    TASKS, WORKERS, calls, calls / (double) TASKS, capacity.callsByOperation(), writeUnits,
                    writeUnits / (double) TASKS, modelWrites, modelWrites / (double) TASKS);
            assertEquals(List.of(job), completions, "exactly one completion");
            assertTrue(calls <= modelWrites + WORKERS, "store calls: " + calls + " " + capacity.callsByOperation());
            assertTrue(writeUnits <= modelWrites, "write units: " + writeUnits + " (a shard set grew past 1 KB?)");
        }
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-large-jobs");
        AtomicInteger read = new AtomicInteger();
        AtomicInteger last = new AtomicInteger(-1);
        store.results(job, (taskId, result) -> {
            assertEquals(last.get() + 1, taskId, "results come back in task order, shard after shard");
            last.set(taskId);
            read.incrementAndGet();
        });
        JobStatus status = store.status(job);
        assertEquals(TASKS, read.get());
        assertEquals(TASKS, status.completed());
        assertTrue(status.missingTasks().isEmpty() && status.callbackFired());
    }
}
