package io.github.serverlesspatterns.fanout;

import java.time.Instant;
import java.util.List;

/**
 * Where a fan-out job stands.
 *
 * @param jobId        the job
 * @param expected     tasks the job was split into
 * @param completed    tasks whose result is recorded (each counted once)
 * @param deadline     when the job should be done
 * @param missingTasks task numbers with no result yet (all of them are listed once the job is past its deadline)
 * @param callbackFired whether the completion callback has fired
 */
public record JobStatus(String jobId, int expected, int completed, Instant deadline, List<Integer> missingTasks,
                        boolean callbackFired) {

    /** @return whether every task's result is in */
    public boolean done() {
        return completed >= expected;
    }

    /**
     * @param now the time to judge by
     * @return whether the job is past its deadline with tasks missing (their late results will be refused)
     */
    public boolean overdue(Instant now) {
        return !done() && now.isAfter(deadline);
    }
}
