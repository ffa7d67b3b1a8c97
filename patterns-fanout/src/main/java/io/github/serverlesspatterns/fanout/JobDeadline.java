package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Acts on a job's deadline: a handler, invoked with a job id at or after the job's deadline (a
 * one-time EventBridge Scheduler schedule made when the job starts, or any periodic check), that
 * reads the job's status and, if tasks are still missing past the deadline, calls
 * {@code onOverdue} with it: once per job while it succeeds, again on the next check if it threw
 * (the throw passes through, so the scheduler's retry checks again). Results that arrive after the
 * deadline are refused by the store, so what {@code onOverdue} sees is final. A job that completed,
 * or is not yet due, is returned as it is and signals nothing. Thread-safe.
 *
 * <p>Store calls per check: the status read (1 + one per 100 shards) and, when overdue, one
 * conditional write for the signal's claim.
 */
public final class JobDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(JobDeadline.class);

    private JobDeadline() {
    }

    /**
     * @param store     the job store
     * @param onOverdue called with the status of an overdue job (its missing tasks listed): once per job while it succeeds
     * @return a handler from job id to the job's status
     */
    public static Handler<String, JobStatus> check(JobStore store, Consumer<JobStatus> onOverdue) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(onOverdue, "onOverdue");
        return (jobId, invocation) -> {
            if (jobId == null || jobId.isBlank()) {
                throw new IllegalArgumentException("fan-out deadline check: no job id in the event");
            }
            JobStatus status = store.status(jobId);
            if (!status.overdue(store.clock().instant()) || !store.claimOverdueSignal(jobId)) {
                return status;
            }
            LOG.warn("fan-out job '{}' passed its deadline {} with {} of {} tasks missing: signalling", jobId, status.deadline(),
                    status.missingTasks().size(), status.expected());
            try {
                onOverdue.accept(status);
            } catch (Throwable e) { // given up, so that the next check signals again
                store.overdueSignalFailed(jobId);
                throw Failures.rethrow(e);
            }
            return status;
        };
    }
}
