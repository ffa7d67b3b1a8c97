package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.internal.ParallelRuns;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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

    private final JobStore store;
    private final Dispatcher<T> dispatcher;

    private FanOut(JobStore store, Dispatcher<T> dispatcher) {
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
    public static <T> FanOut<T> viaInvoker(JobStore store, Invoker<Task<T>, ?> worker, int parallelism) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(worker, "worker");
        Checks.between(parallelism, 1, 64, "parallelism");
        ExecutorService pool = ParallelRuns.daemonPool("fan-out");
        return new FanOut<>(store, (tasks, invocation) -> {
            AtomicInteger refused = new AtomicInteger();
            AtomicReference<Throwable> first = new AtomicReference<>();
            ParallelRuns.run(tasks.size(), parallelism, pool, i -> {
                try {
                    worker.send(tasks.get(i), invocation);
                } catch (Throwable e) {
                    refused.incrementAndGet();
                    first.compareAndSet(null, e);
                }
            });
            if (first.get() != null) {
                throw new FanoutException("fan-out: starting " + refused.get() + " of " + tasks.size() + " workers failed: "
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
    public static <T> FanOut<T> viaSqs(JobStore store, SqsClient sqs, String queueUrl, Codec<Task<T>> codec) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(queueUrl, "queueUrl");
        Objects.requireNonNull(codec, "codec");
        return new FanOut<>(store, (tasks, invocation) -> {
            List<String> bodies = new ArrayList<>(tasks.size());
            int[] sizes = new int[tasks.size()];
            for (int t = 0; t < tasks.size(); t++) { // every body is checked before anything is sent
                Task<T> task = tasks.get(t);
                byte[] encoded = codec.encode(task);
                String body = new String(encoded, StandardCharsets.UTF_8);
                int size = encoded.length;
                sizes[t] = size;
                if (size > SQS_BATCH_BYTES) {
                    throw new PayloadTooLargeException("fan-out job '" + task.jobId() + "' task " + task.taskId() + ": the message is "
                            + size + " bytes, over SQS's " + SQS_BATCH_BYTES + " byte limit; nothing was sent (pass a reference, "
                            + "e.g. an S3 key, instead)");
                }
                bodies.add(body);
            }
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            int batchBytes = 0;
            for (int i = 0; i < tasks.size(); i++) {
                int size = sizes[i];
                if (entries.size() == 10 || batchBytes + size > SQS_BATCH_BYTES) { // by count and by SQS's batch size
                    send(sqs, queueUrl, entries);
                    entries = new ArrayList<>();
                    batchBytes = 0;
                }
                entries.add(SendMessageBatchRequestEntry.builder().id("t" + tasks.get(i).taskId()).messageBody(bodies.get(i)).build());
                batchBytes += size;
            }
            if (!entries.isEmpty()) {
                send(sqs, queueUrl, entries);
            }
        });
    }

    /** SQS's limit on a message, and on the sum of a batch's messages: 1 MiB (since August 2025). */
    public static final int SQS_BATCH_BYTES = 1024 * 1024;

    private static void send(SqsClient sqs, String queueUrl, List<SendMessageBatchRequestEntry> entries) {
        SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            throw new FanoutException("fan-out: SQS refused " + response.failed().size() + " task messages: " + response.failed());
        }
    }

    /**
     * Records the job, then starts a worker per payload (task ids 0 to N-1, in list order).
     *
     * <p>Resumable: when a first call failed part-way (the job half-created, or some workers not
     * started), call it again with the same job id, payloads and deadline. The job's creation is
     * completed without resetting anything counted, and only the tasks not yet done are started
     * again — tasks started before and still running may then run twice, which workers already
     * tolerate (their result is recorded once).
     *
     * @param jobId      the job id (new, or the one a failed call used)
     * @param payloads   the sub-jobs
     * @param deadline   when the job should be done (in the future)
     * @param invocation the calling invocation
     * @return how many workers this call started
     * @throws IllegalStateException if the job id is taken by a job with another task count or deadline
     */
    public int start(String jobId, List<T> payloads, Instant deadline, Invocation invocation) {
        Objects.requireNonNull(payloads, "payloads");
        boolean created = store.createJob(jobId, payloads.size(), deadline);
        List<Task<T>> tasks = new ArrayList<>();
        if (created) {
            for (int i = 0; i < payloads.size(); i++) {
                tasks.add(new Task<>(jobId, i, payloads.get(i)));
            }
        } else { // a retry: only what is not done yet
            for (int i : store.status(jobId).missingTasks()) {
                tasks.add(new Task<>(jobId, i, payloads.get(i)));
            }
        }
        if (!tasks.isEmpty()) {
            dispatcher.dispatch(tasks, invocation);
        }
        return tasks.size();
    }
}
