package io.github.serverlesspatterns.fanout;

import java.util.Objects;

/**
 * One sub-job of a fan-out: the job it belongs to, its number (0 to N-1) and its payload.
 *
 * @param jobId   the job
 * @param taskId  the task's number within the job
 * @param payload what the worker works on
 * @param <T>     payload type
 */
public record Task<T>(String jobId, int taskId, T payload) {

    /**
     * @param jobId   the job
     * @param taskId  the task's number within the job
     * @param payload what the worker works on
     */
    public Task {
        Objects.requireNonNull(jobId, "jobId");
        if (taskId < 0) {
            throw new IllegalArgumentException("taskId must not be negative: " + taskId);
        }
    }
}
