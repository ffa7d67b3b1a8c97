package io.github.serverlesspatterns.fanout;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A {@link JobStore} in this JVM's memory: for tests and local runs, or a job whose workers all run
 * in one process. Jobs are kept until the store is dropped (no retention). Thread-safe: each job's
 * operations hold that job's lock.
 */
public final class InMemoryJobStore implements JobStore {

    private static final class Job {
        final int expected;
        final Instant deadline;
        final TreeMap<Integer, byte[]> results = new TreeMap<>();
        final BitSet done = new BitSet();
        String claim;
        long claimUntil;
        boolean callbackFired;
        boolean overdueSignalled;

        Job(int expected, Instant deadline) {
            this.expected = expected;
            this.deadline = deadline;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Clock clock;

    /** A store on the system clock. */
    public InMemoryJobStore() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock deadlines and claim leases are judged by */
    public InMemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean createJob(String jobId, int expected, Instant deadline) {
        JobStore.checkNewJob(jobId, expected, deadline, clock.instant());
        Instant millis = Instant.ofEpochMilli(deadline.toEpochMilli()); // as a persistent store keeps it
        Job created = new Job(expected, millis);
        Job existing = jobs.putIfAbsent(jobId, created);
        if (existing == null) {
            return true;
        }
        if (existing.expected != expected || !existing.deadline.equals(millis)) {
            throw new IllegalStateException("fan-out job '" + jobId + "' already exists with " + existing.expected
                    + " tasks and deadline " + existing.deadline + "; a retry must pass the same (" + expected + ", "
                    + deadline + "), a new job a new id");
        }
        return false;
    }

    private Job job(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            throw new FanoutException("fan-out job '" + jobId + "' is unknown");
        }
        return job;
    }

    @Override
    public boolean recordResult(String jobId, int taskId, byte[] result) {
        Objects.requireNonNull(result, "result");
        Job job = jobs.get(jobId);
        if (job == null) {
            throw JobStore.unknownJob(jobId, taskId);
        }
        JobStore.checkResult(jobId, taskId, job.expected, job.deadline, clock.instant());
        synchronized (job) {
            job.results.putIfAbsent(taskId, result.clone());
            job.done.set(taskId);
            return job.done.cardinality() == job.expected;
        }
    }

    @Override
    public Optional<String> claimCompletion(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        synchronized (job) {
            if (job.done.cardinality() < job.expected || job.callbackFired || (job.claim != null && job.claimUntil >= now)) {
                return Optional.empty();
            }
            job.claim = UUID.randomUUID().toString();
            job.claimUntil = now + COMPLETION_LEASE.toMillis();
            return Optional.of(job.claim);
        }
    }

    @Override
    public void completionDone(String jobId, String token) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        synchronized (job) {
            if (token.equals(job.claim)) {
                job.callbackFired = true;
                job.claim = null;
            }
        }
    }

    @Override
    public void completionFailed(String jobId, String token) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return;
        }
        synchronized (job) {
            if (token.equals(job.claim)) {
                job.claim = null;
            }
        }
    }

    @Override
    public boolean claimOverdueSignal(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            return false;
        }
        synchronized (job) {
            if (job.overdueSignalled || !clock.instant().isAfter(job.deadline)) {
                return false;
            }
            job.overdueSignalled = true;
            return true;
        }
    }

    @Override
    public void overdueSignalFailed(String jobId) {
        Job job = jobs.get(jobId);
        if (job != null) {
            synchronized (job) {
                job.overdueSignalled = false;
            }
        }
    }

    @Override
    public void results(String jobId, BiConsumer<Integer, byte[]> consumer) {
        Job job = job(jobId);
        List<Map.Entry<Integer, byte[]>> copy;
        synchronized (job) {
            copy = new ArrayList<>(job.results.entrySet());
        }
        copy.forEach(e -> consumer.accept(e.getKey(), e.getValue().clone()));
    }

    @Override
    public JobStatus status(String jobId) {
        Job job = job(jobId);
        synchronized (job) {
            List<Integer> missing = new ArrayList<>(job.expected - job.done.cardinality());
            for (int i = job.done.nextClearBit(0); i < job.expected; i = job.done.nextClearBit(i + 1)) {
                missing.add(i);
            }
            return new JobStatus(jobId, job.expected, job.done.cardinality(), job.deadline, missing, job.callbackFired);
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }
}
