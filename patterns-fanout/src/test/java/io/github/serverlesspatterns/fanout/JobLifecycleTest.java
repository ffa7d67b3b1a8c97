package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's creation, fan-out and deadline, on moto's DynamoDB. Found before: an interrupted
 * {@code createJob} made its retry fail with "already exists" and left later shards missing (their
 * tasks refused forever); nothing could resend the tasks a partial fan-out did not start; the job's
 * TTL ran from creation (a 3 h deadline with 1 h retention lost the bookkeeping at +1 h); past
 * deadlines were accepted and late results counted.
 */
@ExtendWith(LocalServicesExtension.class)
class JobLifecycleTest {

    private static final String TABLE = "fan-lifecycle";
    private final MutableClock clock = new MutableClock(Instant.now());

    private DynamoDbJobStore store(MotoService moto, Duration retention) {
        DynamoDbJobStore store = DynamoDbJobStore.builder(moto.dynamoDb(), TABLE).retention(retention).clock(clock).build();
        store.createTableIfMissing();
        return store;
    }

    private static Map<String, AttributeValue> item(MotoService moto, String job, String item) {
        return moto.dynamoDb().getItem(b -> b.tableName(TABLE).consistentRead(true)
                .key(Map.of("job", AttributeValue.fromS(job), "item", AttributeValue.fromS(item)))).item();
    }

    @Test
    void aRetriedCreation_isANoOp_andNeverResetsAShardWorkersCountedInto(MotoService moto) {
        DynamoDbJobStore store = store(moto, Duration.ofDays(1));
        String job = "job-" + UUID.randomUUID();
        Instant deadline = clock.instant().plusSeconds(600);
        assertTrue(store.createJob(job, 2_500, deadline));
        store.recordResult(job, 7, new byte[] {1});
        // creation is one conditional write: a caller that did not see its answer calls again
        assertFalse(store.createJob(job, 2_500, deadline), "the retry resumes instead of failing with 'already exists'");
        store.recordResult(job, 2_400, new byte[] {2}); // a task of the restored shard counts
        JobStatus status = store.status(job);
        assertEquals(2, status.completed(), "task 7 still counted: its shard was not reset");
        assertFalse(status.missingTasks().contains(7));
        assertFalse(status.missingTasks().contains(2_400));
    }

    @Test
    void aJobIdTakenByAnotherJob_isRefused_naming_both(MotoService moto) {
        DynamoDbJobStore store = store(moto, Duration.ofDays(1));
        String job = "job-" + UUID.randomUUID();
        Instant deadline = clock.instant().plusSeconds(600);
        store.createJob(job, 5, deadline);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.createJob(job, 6, deadline));
        assertTrue(e.getMessage().contains("already exists with 5 tasks"), e.getMessage());
    }

    @Test
    void aDeadlineAlreadyPast_isRefused(MotoService moto) {
        DynamoDbJobStore store = store(moto, Duration.ofDays(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.createJob("job-" + UUID.randomUUID(), 3, clock.instant().minusSeconds(1)));
        assertTrue(e.getMessage().contains("is already past"), e.getMessage());
    }

    @Test
    void theBookkeeping_livesUntilTheDeadlinePlusTheRetention_notTheRetentionFromCreation(MotoService moto) {
        DynamoDbJobStore store = store(moto, Duration.ofHours(1));
        String job = "job-" + UUID.randomUUID();
        Instant deadline = clock.instant().plus(Duration.ofHours(3));
        store.createJob(job, 2, deadline);
        store.recordResult(job, 0, new byte[] {1});
        long until = deadline.plus(Duration.ofHours(1)).getEpochSecond();
        // the job record under the job id; shard 0's counter and results under the shard's own partition key
        for (List<String> it : List.of(List.of(job, "#job"), List.of(job + "#s0", "#shard"), List.of(job + "#s0", "task#0000000000"))) {
            assertEquals(until, Long.parseLong(item(moto, it.get(0), it.get(1)).get("expiration").n()), it.toString());
        }
    }

    @Test
    void aLateResult_isRefused_andTheStatusSaysOverdue(MotoService moto) {
        DynamoDbJobStore store = store(moto, Duration.ofDays(1));
        String job = "job-" + UUID.randomUUID();
        store.createJob(job, 2, clock.instant().plusSeconds(60));
        store.recordResult(job, 0, new byte[] {1});
        clock.advance(Duration.ofSeconds(61));
        PatternsException e = assertThrows(PatternsException.class, () -> store.recordResult(job, 1, new byte[] {2}));
        assertTrue(e.getMessage().contains("passed its deadline"), e.getMessage());
        JobStatus status = store.status(job);
        assertEquals(1, status.completed());
        assertTrue(status.overdue(clock.instant()));
    }

    @Test
    void aRepeatedStart_afterAPartialFanOut_startsOnlyTheTasksNotDone(MotoService moto) {
        DynamoDbJobStore store = store(moto, Duration.ofDays(1));
        String job = "job-" + UUID.randomUUID();
        Set<Integer> refuseOnce = ConcurrentHashMap.newKeySet();
        refuseOnce.add(3);
        List<Integer> started = java.util.Collections.synchronizedList(new ArrayList<>());
        Invoker<Task<String>, Void> worker = new Invoker<>() {
            @Override
            public Void call(Task<String> request, Invocation invocation) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void send(Task<String> task, Invocation invocation) {
                if (refuseOnce.remove(task.taskId())) {
                    throw new IllegalStateException("throttled"); // the Event invoke of task 3 failed
                }
                started.add(task.taskId());
                store.recordResult(task.jobId(), task.taskId(), task.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        FanOut<String> fanOut = FanOut.viaInvoker(store, worker, 2);
        List<String> payloads = List.of("a", "b", "c", "d", "e");
        Instant deadline = clock.instant().plusSeconds(600);
        assertThrows(PatternsException.class, () -> fanOut.start(job, payloads, deadline, Invocation.builder().build()));
        assertEquals(4, store.status(job).completed());
        started.clear();
        assertEquals(1, fanOut.start(job, payloads, deadline, Invocation.builder().build()), "the retry starts one worker");
        assertEquals(List.of(3), started);
        assertTrue(store.status(job).done());
    }

    @Test
    void theDeadlineCheck_signalsAnOverdueJobOnce_withItsMissingTasks_andAgainOnlyIfTheSignalFailed(MotoService moto) throws Exception {
        DynamoDbJobStore store = store(moto, Duration.ofDays(1));
        String late = "job-" + UUID.randomUUID();
        String finished = "job-" + UUID.randomUUID();
        store.createJob(late, 3, clock.instant().plusSeconds(60));
        store.createJob(finished, 1, clock.instant().plusSeconds(60));
        store.recordResult(late, 1, new byte[] {1});
        store.recordResult(finished, 0, new byte[] {1});
        List<JobStatus> signals = new ArrayList<>();
        boolean[] failNext = {false};
        io.github.serverlesspatterns.core.Handler<String, JobStatus> check = JobDeadline.check(store, status -> {
            if (failNext[0]) {
                failNext[0] = false;
                throw new IllegalStateException("pager down");
            }
            signals.add(status);
        });
        Invocation inv = Invocation.builder().build();
        check.handle(late, inv);
        assertTrue(signals.isEmpty(), "not due yet");
        clock.advance(Duration.ofSeconds(61));
        failNext[0] = true;
        assertThrows(IllegalStateException.class, () -> check.handle(late, inv), "a failed signal fails the check (retried)");
        assertEquals(List.of(0, 2), check.handle(late, inv).missingTasks());
        check.handle(late, inv);
        check.handle(finished, inv);
        assertEquals(1, signals.size(), "once per job while it succeeds; a completed job signals nothing: " + signals);
        assertEquals(List.of(0, 2), signals.get(0).missingTasks());
    }
}
