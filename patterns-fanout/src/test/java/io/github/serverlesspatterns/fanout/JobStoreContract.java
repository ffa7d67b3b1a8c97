package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link JobStore} must do, whatever keeps its jobs. Extend it with a store on the
 * given clock; the tests move the clock for deadlines and claim leases. Shipped in this module's
 * {@code tests} jar for stores of your own.
 */
public abstract class JobStoreContract {

    /** The clock the store under test must judge deadlines and leases by. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));

    /**
     * @param clock the clock to use
     * @return a store on it (a fresh one, or one whose jobs the random job ids keep apart)
     */
    protected abstract JobStore store(Clock clock);

    private static String newJob() {
        return "job-" + UUID.randomUUID();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Instant inAnHour() {
        return clock.instant().plus(Duration.ofHours(1));
    }

    @Test
    void createJob_createsOnce_andARetryWithTheSameTasksAndDeadlineResumes() {
        JobStore store = store(clock);
        String job = newJob();
        Instant deadline = inAnHour();
        assertTrue(store.createJob(job, 3, deadline));
        assertFalse(store.createJob(job, 3, deadline), "a retry of a creation that went through resumes");
        JobStatus status = store.status(job);
        assertEquals(3, status.expected());
        assertEquals(0, status.completed());
        assertEquals(List.of(0, 1, 2), status.missingTasks());
        assertEquals(deadline.toEpochMilli(), status.deadline().toEpochMilli());
    }

    @Test
    void createJob_underAnIdTakenByAnotherJob_isRefused_namingBoth() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 3, inAnHour());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.createJob(job, 4, inAnHour()));
        assertTrue(e.getMessage().contains("already exists with 3 tasks") && e.getMessage().contains("(4, "), e.getMessage());
    }

    @Test
    void createJob_refusesNoTasks_aBadId_andAPastDeadline() {
        JobStore store = store(clock);
        assertThrows(IllegalArgumentException.class, () -> store.createJob(newJob(), 0, inAnHour()));
        assertThrows(IllegalArgumentException.class, () -> store.createJob("", 1, inAnHour()));
        assertThrows(IllegalArgumentException.class, () -> store.createJob("j".repeat(JobStore.MAX_JOB_ID_LENGTH + 1), 1, inAnHour()));
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> store.createJob(newJob(), 1, clock.instant()));
        assertTrue(past.getMessage().contains("is already past"), past.getMessage());
    }

    @Test
    void recordResult_countsEachTaskOnce_andSaysWhenTheLastIsIn() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 3, inAnHour());
        assertFalse(store.recordResult(job, 0, bytes("a")));
        assertFalse(store.recordResult(job, 0, bytes("a")), "a duplicate delivery counts nothing");
        assertFalse(store.recordResult(job, 2, bytes("c")));
        assertTrue(store.recordResult(job, 1, bytes("b")));
        assertTrue(store.recordResult(job, 1, bytes("b")), "every caller after the last result hears 'all done'");
        JobStatus status = store.status(job);
        assertEquals(3, status.completed());
        assertTrue(status.done());
        assertEquals(List.of(), status.missingTasks());
    }

    @Test
    void recordResult_refusesAnUnknownJob_aTaskOutOfRange_andALateResult_recordingNothing() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 2, clock.instant().plusSeconds(60));
        assertThrows(FanoutException.class, () -> store.recordResult(newJob(), 0, bytes("x")));
        FanoutException range = assertThrows(FanoutException.class, () -> store.recordResult(job, 2, bytes("x")));
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        assertThrows(FanoutException.class, () -> store.recordResult(job, -1, bytes("x")));
        clock.advance(Duration.ofSeconds(61));
        FanoutException late = assertThrows(FanoutException.class, () -> store.recordResult(job, 0, bytes("x")));
        assertTrue(late.getMessage().contains("passed its deadline"), late.getMessage());
        assertEquals(0, store.status(job).completed());
        assertTrue(store.status(job).overdue(clock.instant()));
    }

    @Test
    void results_giveEveryResultOnce_inTaskOrder() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 150, inAnHour()); // past one shard of a sharded store
        for (int t = 149; t >= 0; t--) {
            store.recordResult(job, t, bytes("r" + t));
        }
        store.recordResult(job, 7, bytes("r7"));
        Map<Integer, byte[]> seen = new TreeMap<>();
        List<Integer> order = new ArrayList<>();
        store.results(job, (task, result) -> {
            order.add(task);
            seen.put(task, result);
        });
        assertEquals(150, order.size());
        for (int t = 0; t < 150; t++) {
            assertEquals(t, order.get(t));
            assertArrayEquals(bytes("r" + t), seen.get(t));
        }
    }

    @Test
    void status_andResults_ofAnUnknownJob_areRefused() {
        JobStore store = store(clock);
        assertThrows(FanoutException.class, () -> store.status(newJob()));
        assertThrows(FanoutException.class, () -> store.results(newJob(), (t, r) -> { }));
    }

    @Test
    void claimCompletion_goesToOneCallerOnceAllAreDone_againAfterAFailure_andNeverAfterSuccess() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 2, inAnHour());
        store.recordResult(job, 0, bytes("a"));
        assertEquals(Optional.empty(), store.claimCompletion(job), "not before every task is done");
        store.recordResult(job, 1, bytes("b"));
        Optional<String> first = store.claimCompletion(job);
        assertTrue(first.isPresent());
        assertEquals(Optional.empty(), store.claimCompletion(job), "one holder at a time");
        store.completionFailed(job, first.get());
        Optional<String> second = store.claimCompletion(job);
        assertTrue(second.isPresent(), "the callback failed: the worker's retry claims again");
        store.completionFailed(job, first.get()); // a stale token changes nothing
        assertEquals(Optional.empty(), store.claimCompletion(job));
        store.completionDone(job, second.get());
        assertTrue(store.status(job).callbackFired());
        assertEquals(Optional.empty(), store.claimCompletion(job), "fired: never again");
    }

    @Test
    void claimCompletion_isTakenOverWhenTheHoldersLeaseEnds() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 1, clock.instant().plus(Duration.ofHours(2)));
        store.recordResult(job, 0, bytes("a"));
        Optional<String> dead = store.claimCompletion(job);
        assertTrue(dead.isPresent());
        clock.advance(JobStore.COMPLETION_LEASE.plusSeconds(1));
        Optional<String> next = store.claimCompletion(job);
        assertTrue(next.isPresent(), "the holder died: its lease ended");
        store.completionDone(job, dead.get()); // the dead holder's late report is ignored
        assertFalse(store.status(job).callbackFired());
        store.completionDone(job, next.get());
        assertTrue(store.status(job).callbackFired());
    }

    @Test
    void claimOverdueSignal_onlyPastTheDeadline_once_andAgainAfterItFailed() {
        JobStore store = store(clock);
        String job = newJob();
        store.createJob(job, 2, clock.instant().plusSeconds(60));
        assertFalse(store.claimOverdueSignal(job), "not before the deadline");
        clock.advance(Duration.ofSeconds(61));
        assertTrue(store.claimOverdueSignal(job));
        assertFalse(store.claimOverdueSignal(job), "once");
        store.overdueSignalFailed(job);
        assertTrue(store.claimOverdueSignal(job), "again after the signal failed");
        assertFalse(store.claimOverdueSignal(newJob()), "an unknown job is never signalled");
    }

    @Test
    void concurrentWorkers_withDuplicates_countEveryTaskOnce_andOneClaimsTheCompletion() throws Exception {
        JobStore store = store(clock);
        String job = newJob();
        int tasks = 120; // two shards of a sharded store
        store.createJob(job, tasks, inAnHour());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger claims = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int t = worker; t < tasks; t += 4) { // every task by two workers
                        if (store.recordResult(job, t, bytes("r" + t)) && store.claimCompletion(job).isPresent()) {
                            claims.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        JobStatus status = store.status(job);
        assertEquals(tasks, status.completed());
        assertEquals(1, claims.get(), "one completion claim, however many saw 'all done'");
    }
}
