package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.ParallelRuns;
import io.github.serverlesspatterns.core.PatternsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * The fan-out half: records the job with its expected task count first, then starts one worker
 * per task, by asynchronous invocation ({@link #viaInvoker}) with bounded parallelism, or by SQS
 * messages in batches of 10 ({@link #viaSqs}). Thread-safe.
 *
 * @param <T> task payload type
 */
public final class FanOut<T> {

    private interface Dispatcher<T> {
        void dispatch(List<Task<T>> tasks, Invocation invocation);
    }

    private final DynamoDbJobStore store;
    private final Dispatcher<T> dispatcher;

    private FanOut(DynamoDbJobStore store, Dispatcher<T> dispatcher) {
        this.store = store;
        this.dispatcher = dispatcher;
    }

    /**
     * @param store       the job store
     * @param worker      the worker function (its {@code send} is used: {@code Event} invocations)
     * @param parallelism invocations in flight at once (1 to 64)
     * @param <T>         payload type
     * @return the fan-out
     */
    public static <T> FanOut<T> viaInvoker(DynamoDbJobStore store, Invoker<Task<T>, ?> worker, int parallelism) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(worker, "worker");
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1 to 64: " + parallelism);
        }
        ExecutorService pool = ParallelRuns.daemonPool("fan-out");
        return new FanOut<>(store, (tasks, invocation) -> {
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Throwable> first = new java.util.concurrent.atomic.AtomicReference<>();
            ParallelRuns.run(tasks.size(), parallelism, pool, i -> {
                try {
                    worker.send(tasks.get(i), invocation);
                } catch (Throwable e) {
                    refused.incrementAndGet();
                    first.compareAndSet(null, e);
                }
            });
            if (first.get() != null) {
                throw new PatternsException("fan-out: starting " + refused.get() + " of " + tasks.size() + " workers failed: "
                        + first.get(), first.get());
            }
        });
    }

    /**
     * @param store    the job store
     * @param sqs      the SQS client
     * @param queueUrl the workers' queue
     * @param codec    encodes a task as a message body
     * @param <T>      payload type
     * @return the fan-out, sending batches of 10 messages
     */
    public static <T> FanOut<T> viaSqs(DynamoDbJobStore store, SqsClient sqs, String queueUrl, Codec<Task<T>> codec) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(codec, "codec");
        return new FanOut<>(store, (tasks, invocation) -> {
            for (int start = 0; start < tasks.size(); start += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (Task<T> task : tasks.subList(start, Math.min(start + 10, tasks.size()))) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("t" + task.taskId())
                            .messageBody(new String(codec.encode(task), StandardCharsets.UTF_8)).build());
                }
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                if (response.hasFailed() && !response.failed().isEmpty()) {
                    throw new PatternsException("fan-out: SQS refused " + response.failed().size() + " task messages: " + response.failed());
                }
            }
        });
    }

    /**
     * Records the job, then starts a worker per payload (task ids 0 to N-1, in list order).
     *
     * @param jobId      a new job id
     * @param payloads   the sub-jobs
     * @param deadline   when the job should be done
     * @param invocation the calling invocation
     */
    public void start(String jobId, List<T> payloads, Instant deadline, Invocation invocation) {
        Objects.requireNonNull(payloads, "payloads");
        store.createJob(jobId, payloads.size(), deadline);
        List<Task<T>> tasks = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            tasks.add(new Task<>(jobId, i, payloads.get(i)));
        }
        dispatcher.dispatch(tasks, invocation);
    }
}
