package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The fan-in half: a worker-side decorator that records each task's result under (job, task),
 * counts the task at most once even when the worker runs twice or concurrently, and fires the
 * completion callback in the worker that finds the last task counted: at least once, and once
 * while it succeeds. A callback that throws gives its claim up and fails the worker, whose retry
 * (Lambda's, for the same task) fires it again; so make the callback idempotent by job id. The
 * job's status says the callback fired only after it returned. A worker that throws records
 * nothing (its exception passes through unchanged, so Lambda retries it and then sends the task,
 * job id included, to the worker's on-failure destination).
 *
 * <p>Store calls per task: 2 (a conditional {@code PutItem} of the result and an {@code ADD} to its
 * shard's set), plus one read of the job per job and worker instance (to check task ids against
 * the job's size), one per filled shard of 100 tasks and two for the completion (claim, then
 * done). Thread-safe.
 *
 * @param <T> payload type
 * @param <R> result type
 */
public final class FanIn<T, R> implements Decorator<Task<T>, R> {

    private static final Logger LOG = LoggerFactory.getLogger(FanIn.class);

    private final JobStore store;
    private final Codec<R> resultCodec;
    private final Consumer<String> onComplete;
    private final Metrics metrics;
    private final String metricsName;

    private FanIn(JobStore store, Codec<R> resultCodec, Consumer<String> onComplete,
                  Metrics metrics, String metricsName) {
        this.store = store;
        this.resultCodec = resultCodec;
        this.onComplete = onComplete;
        this.metrics = metrics;
        this.metricsName = metricsName;
    }

    /**
     * Reports the workers' fan-in under pattern {@code fan-in} and {@code name} (a fixed name of
     * yours, never a job id): counts {@code TasksRecorded}, {@code Completions} (callbacks that
     * returned) and {@code CompletionFailures} (callbacks that threw).
     *
     * @param metrics where to report
     * @param name    the {@code Name} dimension, e.g. the worker function's logical name
     * @return a decorator like this one that reports there
     */
    public FanIn<T, R> withMetrics(Metrics metrics, String name) {
        return new FanIn<>(store, resultCodec, onComplete, Objects.requireNonNull(metrics, "metrics"), Objects.requireNonNull(name, "name"));
    }

    /**
     * @param store       the job store
     * @param resultCodec encodes task results
     * @param onComplete  called with the job id when its last task lands: at least once, once while it
     *                    succeeds (make it idempotent by job id)
     * @param <T>         payload type
     * @param <R>         result type
     * @return the decorator
     */
    public static <T, R> FanIn<T, R> of(JobStore store, Codec<R> resultCodec, Consumer<String> onComplete) {
        return new FanIn<>(Objects.requireNonNull(store, "store"), Objects.requireNonNull(resultCodec, "resultCodec"),
                Objects.requireNonNull(onComplete, "onComplete"), Metrics.none(), "fan-in");
    }

    @Override
    public Handler<Task<T>, R> decorate(Handler<Task<T>, R> handler) {
        Objects.requireNonNull(handler, "handler");
        return (task, invocation) -> {
            if (task == null) {
                throw new IllegalArgumentException("fan-in: the worker got no task");
            }
            // the job id is an id the library logs anyway, never a payload
            LogContext.Scope logs = LogContext.open(invocation, "fan-in", metricsName, task.jobId() + "#" + task.taskId());
            try {
                return run(handler, task, invocation);
            } finally {
                logs.close();
            }
        };
    }

    /** The worker's run, its result recorded, and the completion fired by the last one in. */
    private R run(Handler<Task<T>, R> handler, Task<T> task, Invocation invocation) {
        R result = handler.handle(task, invocation);
        boolean allDone = store.recordResult(task.jobId(), task.taskId(), resultCodec.encode(result));
        metrics.count("fan-in", metricsName, "TasksRecorded", 1);
        if (allDone) {
            Optional<String> claim = store.claimCompletion(task.jobId());
            if (claim.isPresent()) {
                LOG.info("fan-in job '{}': last task in, firing the completion callback", task.jobId());
                try {
                    onComplete.accept(task.jobId());
                } catch (Throwable e) { // given up, so that the worker's retry (this task again) fires it again
                    metrics.count("fan-in", metricsName, "CompletionFailures", 1);
                    store.completionFailed(task.jobId(), claim.get());
                    throw Failures.rethrow(e);
                }
                store.completionDone(task.jobId(), claim.get());
                metrics.count("fan-in", metricsName, "Completions", 1);
            }
        }
        return result;
    }
}
