package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fan-in through partial failures, on moto's DynamoDB. */
@ExtendWith(LocalServicesExtension.class)
class FanInFailuresTest {

    private static DynamoDbJobStore store(MotoService moto) {
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-failures");
        store.createTableIfMissing();
        return store;
    }

    private static String newJob(DynamoDbJobStore store, int tasks) {
        String job = "job-" + UUID.randomUUID();
        store.createJob(job, tasks, Instant.now().plusSeconds(600));
        return job;
    }

    @Test
    void aCompletionCallbackThatThrows_firesAgainOnTheWorkersRetry_andCountsAsFiredOnlyAfterItSucceeds(MotoService moto) {
        DynamoDbJobStore store = store(moto);
        String job = newJob(store, 3);
        AtomicInteger attempts = new AtomicInteger();
        List<String> fired = new CopyOnWriteArrayList<>();
        Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> "r" + task.taskId(), FanIn.of(store, Codecs.utf8(), id -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("notification service down");
            }
            fired.add(id);
        }));
        worker.handle(new Task<>(job, 0, 0), Invocation.builder().build());
        worker.handle(new Task<>(job, 1, 1), Invocation.builder().build());
        assertThrows(IllegalStateException.class, () -> worker.handle(new Task<>(job, 2, 2), Invocation.builder().build()),
                "the last task's worker fails with its callback, so Lambda retries it");
        assertFalse(store.status(job).callbackFired(), "not reported as fired");
        worker.handle(new Task<>(job, 2, 2), Invocation.builder().build()); // Lambda's retry of the same task
        assertEquals(List.of(job), fired);
        assertTrue(store.status(job).callbackFired());
        worker.handle(new Task<>(job, 1, 1), Invocation.builder().build()); // a late duplicate
        assertEquals(List.of(job), fired, "once it succeeded, not again");
    }

    @Test
    void aTaskIdOutsideTheJob_isRefusedBeforeAnythingIsWritten(MotoService moto) {
        DynamoDbJobStore store = store(moto);
        String job = newJob(store, 5);
        List<String> fired = new CopyOnWriteArrayList<>();
        Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> "r", FanIn.of(store, Codecs.utf8(), fired::add));
        for (int i = 0; i < 4; i++) {
            worker.handle(new Task<>(job, i, i), Invocation.builder().build());
        }
        PatternsException e = assertThrows(PatternsException.class, () -> worker.handle(new Task<>(job, 7, 7), Invocation.builder().build()));
        assertTrue(e.getMessage().contains("has tasks 0 to 4; task 7 is out of range"), e.getMessage());
        assertThrows(PatternsException.class, () -> worker.handle(new Task<>(job, 1000, 0), Invocation.builder().build()));
        assertTrue(fired.isEmpty(), "task 4 never ran: no completion");
        assertEquals(List.of(4), store.status(job).missingTasks());
        List<Integer> recorded = new CopyOnWriteArrayList<>();
        store.results(job, (taskId, result) -> recorded.add(taskId));
        assertEquals(List.of(0, 1, 2, 3), recorded, "no result written for 7 or 1000");
    }

    @Test
    void status_reportsATaskWhoseWorkerDiedBetweenItsTwoWrites_asMissing(MotoService moto) {
        DynamoDbJobStore store = store(moto);
        String job = newJob(store, 5);
        Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> "r", FanIn.of(store, Codecs.utf8(), id -> { }));
        for (int i = 0; i < 4; i++) {
            worker.handle(new Task<>(job, i, i), Invocation.builder().build());
        }
        // task 4's worker wrote its result, then died before counting it in its shard
        moto.dynamoDb().putItem(b -> b.tableName("fan-failures").item(Map.of("job", AttributeValue.fromS(job + "#s0"),
                "item", AttributeValue.fromS(String.format("task#%010d", 4)), "result", AttributeValue.fromB(SdkBytes.fromUtf8String("r")))));
        JobStatus status = store.status(job);
        assertEquals(4, status.completed());
        assertEquals(List.of(4), status.missingTasks(), "not hidden: its retry still has to count it");
        worker.handle(new Task<>(job, 4, 4), Invocation.builder().build()); // the retry
        assertTrue(store.status(job).done() && store.status(job).missingTasks().isEmpty());
    }

    @Test
    void aResultNearTheLimit_withALongJobId_isRefusedWithAClearErrorBeforeDynamoDbRefusesIt(MotoService moto) {
        DynamoDbJobStore store = store(moto);
        String job = "job-" + "x".repeat(300) + "-" + UUID.randomUUID();
        store.createJob(job, 1, Instant.now().plusSeconds(600));
        byte[] result = new byte[DynamoDbJobStore.MAX_RESULT_BYTES - 100];
        PatternsException e = assertThrows(PatternsException.class, () -> store.recordResult(job, 0, result));
        assertTrue(e.getMessage().contains("beside this job id"), e.getMessage());
    }

    @Test
    void aQualifiedFunctionName_cannotTakeASecondQualifier() {
        try (software.amazon.awssdk.services.lambda.LambdaClient client = software.amazon.awssdk.services.lambda.LambdaClient.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            LambdaInvoker<String, String> qualified = LambdaInvoker.of(client, "pricing:live", Codecs.jsonString(), Codecs.jsonString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> qualified.withQualifier("v2"));
            assertTrue(e.getMessage().contains("already names a version or alias"), e.getMessage());
        }
    }
}
