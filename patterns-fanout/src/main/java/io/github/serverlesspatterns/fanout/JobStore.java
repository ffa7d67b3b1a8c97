package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Primeable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where fan-out/fan-in keeps its jobs: the SPI behind {@link FanOut}, {@link FanIn} and
 * {@link JobDeadline}. Implementations: {@link InMemoryJobStore} (one JVM: tests, local runs) and
 * {@code fanout.dynamodb.DynamoDbJobStore} (every instance of every worker). Each must pass
 * {@code JobStoreContract} (in this module's {@code tests} jar) and be thread-safe.
 *
 * <p>Every operation is idempotent under retries: a task counts once however often or
 * concurrently its worker runs, a repeated creation resumes, and the completion callback runs at
 * least once and, while it succeeds, once.
 */
public interface JobStore extends Primeable {

    /** The longest job id: {@value} characters (it is part of every key, and of each task's message). */
    int MAX_JOB_ID_LENGTH = 512;

    /** How long a worker holds the completion claim while its callback runs: 15 minutes, Lambda's longest invocation. */
    Duration COMPLETION_LEASE = Duration.ofMinutes(15);

    /**
     * Records a new job, atomically; a repeated call with the same task count and deadline is a
     * no-op that returns {@code false}.
     *
     * @param jobId    the job
     * @param expected the number of tasks (at least 1)
     * @param deadline when the job should be done (in the future)
     * @return {@code true} if this call created the job, {@code false} if it existed with the same tasks and deadline (resumed)
     * @throws IllegalArgumentException for no tasks, a job id that is empty or longer than {@value #MAX_JOB_ID_LENGTH}
     *                                  characters, or a deadline already past
     * @throws IllegalStateException    if a job with this id exists with another task count or deadline
     */
    boolean createJob(String jobId, int expected, Instant deadline);

    /**
     * Records a task's result and marks the task done; idempotent.
     *
     * @param jobId  the job
     * @param taskId the task
     * @param result the encoded result
     * @return {@code true} if, after this call, every task of the job is done (then try
     *         {@link #claimCompletion}); may be true for more than one caller
     * @throws FanoutException if the job is unknown, the task out of range, the job past its deadline
     *                         (a late result is refused: its owner has been told it is overdue), or the result too large
     *                         for the store; nothing is recorded then
     */
    boolean recordResult(String jobId, int taskId, byte[] result);

    /**
     * Claims the job's completion once every task is done: one caller at a time holds the claim,
     * until it reports the callback done or failed, or its lease ({@link #COMPLETION_LEASE}) ends.
     *
     * @param jobId the job
     * @return a claim token for the one caller that must run the completion callback, or empty
     */
    Optional<String> claimCompletion(String jobId);

    /**
     * Records that the completion callback succeeded (then {@link JobStatus#callbackFired()});
     * ignored if the claim was lost meanwhile.
     *
     * @param jobId the job
     * @param token the claim token
     */
    void completionDone(String jobId, String token);

    /**
     * Gives the completion claim up after the callback failed, so that the worker's retry claims it
     * again; ignored if the claim was lost meanwhile.
     *
     * @param jobId the job
     * @param token the claim token
     */
    void completionFailed(String jobId, String token);

    /**
     * Claims the one overdue signal of a job past its deadline (for {@link JobDeadline}).
     *
     * @param jobId the job
     * @return whether this caller must send the overdue signal: {@code true} once, until {@link #overdueSignalFailed}
     */
    boolean claimOverdueSignal(String jobId);

    /**
     * Gives the overdue signal's claim up, so that the next check sends it again.
     *
     * @param jobId the job
     */
    void overdueSignalFailed(String jobId);

    /**
     * Reads every result of a job, in task order.
     *
     * @param jobId    the job
     * @param consumer gets (task id, encoded result)
     * @throws FanoutException if the job is unknown
     */
    void results(String jobId, BiConsumer<Integer, byte[]> consumer);

    /**
     * @param jobId the job
     * @return where it stands, with the missing task numbers
     * @throws FanoutException if the job is unknown
     */
    JobStatus status(String jobId);

    /** @return the clock deadlines are judged by */
    Clock clock();

    /**
     * Checks a new job's arguments as every store must; for implementations.
     *
     * @param jobId    the job id
     * @param expected the number of tasks
     * @param deadline the deadline
     * @param now      the store's time
     * @throws IllegalArgumentException naming what is wrong
     */
    static void checkNewJob(String jobId, int expected, Instant deadline, Instant now) {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(deadline, "deadline");
        if (expected < 1) {
            throw new IllegalArgumentException("a job needs at least one task: " + expected);
        }
        if (jobId.isEmpty() || jobId.length() > MAX_JOB_ID_LENGTH) {
            throw new IllegalArgumentException("a fan-out job id must have 1 to " + MAX_JOB_ID_LENGTH + " characters; this one has "
                    + jobId.length());
        }
        if (!deadline.isAfter(now)) {
            throw new IllegalArgumentException("fan-out job '" + jobId + "': its deadline " + deadline + " is already past");
        }
    }

    /**
     * Checks a result against its job as every store must before writing anything; for implementations.
     *
     * @param jobId    the job
     * @param taskId   the task
     * @param expected the job's task count
     * @param deadline the job's deadline
     * @param now      the store's time
     * @throws FanoutException for a late result or a task out of range
     */
    static void checkResult(String jobId, int taskId, int expected, Instant deadline, Instant now) {
        if (now.isAfter(deadline)) {
            throw new FanoutException("fan-in: job '" + jobId + "' passed its deadline " + deadline + "; task " + taskId
                    + "'s late result was not recorded");
        }
        if (taskId < 0 || taskId >= expected) {
            throw new FanoutException("fan-in: job '" + jobId + "' has tasks 0 to " + (expected - 1) + "; task " + taskId
                    + " is out of range and was not recorded");
        }
    }

    /**
     * @param jobId the job
     * @param taskId the task whose result was refused
     * @return the error for a job the store does not know
     */
    static FanoutException unknownJob(String jobId, int taskId) {
        return new FanoutException("fan-in: job '" + jobId + "' is unknown (never created, or expired); task " + taskId
                + "'s result was not recorded");
    }

    /** A store needs nothing warmed by default. */
    @Override
    default void prime() {
    }
}
