package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.Primeable;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.internal.ParallelRuns;
import io.github.serverlesspatterns.core.logging.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Handles a Lambda SQS event (with {@code ReportBatchItemFailures}) message by message, so that
 * one bad message never blocks or loses the others.
 *
 * <pre>{@code
 * SqsBatchHandler<Order> batch = SqsBatchHandler.of(
 *         SqsBatchConfig.builder(JacksonCodec.of(mapper, Order.class))
 *                 .deadLetterQueue(DeadLetterQueue.of(sqs, dlqUrl)).build(),
 *         Decorators.decorate(saveOrder, idempotency));          // per message
 * RequestHandler<SQSEvent, SQSBatchResponse> lambda = LambdaAdapters.toRequestHandler(batch);
 * }</pre>
 *
 * <ul>
 *   <li><b>Standard queues</b>: every message is processed (optionally in parallel on a bounded
 *       pool); each failure is reported by message id.</li>
 *   <li><b>FIFO queues</b>: messages of one group run in order; a failure fails that message and
 *       every later message of the same group (reported, not run), while other groups go on.
 *       Groups may run in parallel; each stays sequential.</li>
 *   <li><b>Poison</b>: a body the codec rejects, or a handler exception classified as
 *       non-retryable, is sent to the dead-letter queue at once with the reason and acknowledged
 *       (a FIFO group then goes on). Without a dead-letter queue, or if sending fails, it is
 *       reported as a failure instead: nothing is silently dropped.</li>
 *   <li><b>Any Throwable</b> thrown through the handler fails its message only: exceptions,
 *       {@link Error}s such as {@code AssertionError}, {@code StackOverflowError} or
 *       {@code ExceptionInInitializerError}, and checked exceptions thrown undeclared (Kotlin,
 *       Lombok's {@code @SneakyThrows}). Nothing escapes the batch. A fatal error
 *       ({@link Failures#isFatal}: {@code OutOfMemoryError}, {@code InternalError}) also stops the
 *       batch from starting further messages: they are reported for retry, on a healthier
 *       instance if the runtime replaces this one.</li>
 *   <li><b>Deadline</b>: no message is started with less than
 *       {@link SqsBatchConfig#stopStartingBefore()} left; it is reported for retry instead. The
 *       batch returns only when every message it started has ended.</li>
 * </ul>
 * The handler is thread-safe and meant to be shared by concurrent invocations (Lambda Managed
 * Instances): each batch runs at most {@code parallelism} messages at once on its own thread and
 * daemon threads taken from a cached pool, so one invocation's batch never queues behind
 * another's.
 *
 * @param <T> the message body type
 */
public final class SqsBatchHandler<T> implements Handler<SQSEvent, SQSBatchResponse>, Primeable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchHandler.class);

    private final SqsBatchConfig<T> config;
    private final Handler<QueueMessage<T>, ?> handler;
    private final ExecutorService pool;

    private SqsBatchHandler(SqsBatchConfig<T> config, Handler<QueueMessage<T>, ?> handler) {
        this.config = config;
        this.handler = handler;
        // threads on demand, shared by concurrent invocations; each batch uses at most parallelism - 1 of them
        this.pool = config.parallelism() > 1 ? ParallelRuns.daemonPool("sqs-batch") : null;
    }

    /**
     * @param config  the configuration
     * @param handler the per-message handler (decorate it, e.g. with idempotency)
     * @param <T>     the body type
     * @return the batch handler
     */
    public static <T> SqsBatchHandler<T> of(SqsBatchConfig<T> config, Handler<QueueMessage<T>, ?> handler) {
        return new SqsBatchHandler<>(Objects.requireNonNull(config, "config"), Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public SQSBatchResponse handle(SQSEvent event, Invocation invocation) {
        if (event == null || event.getRecords() == null) {
            throw new IllegalArgumentException("malformed SQS event: " + (event == null ? "null event" : "no Records"));
        }
        List<SQSEvent.SQSMessage> messages = event.getRecords();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null || messages.get(i).getMessageId() == null) {
                throw new IllegalArgumentException("malformed SQS event: record " + i + " has no messageId");
            }
        }
        boolean fifo = switch (config.queueType()) {
            case FIFO -> true;
            case STANDARD -> false;
            case DETECT -> !messages.isEmpty() && String.valueOf(messages.get(0).getEventSourceArn()).endsWith(".fifo");
        };
        long start = config.ticker().nanoTime();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        List<List<SQSEvent.SQSMessage>> units = new ArrayList<>();
        if (fifo) {
            Map<String, List<SQSEvent.SQSMessage>> groups = new LinkedHashMap<>();
            for (SQSEvent.SQSMessage m : messages) {
                String group = m.getAttributes() == null ? null : m.getAttributes().get("MessageGroupId");
                groups.computeIfAbsent(group == null ? "" : group, k -> new ArrayList<>()).add(m);
            }
            units.addAll(groups.values());
        } else {
            for (SQSEvent.SQSMessage m : messages) {
                units.add(List.of(m));
            }
        }
        new Run(units, invocation, failed, fifo).runAll();
        // report in event order, as Lambda reads the first failure of a FIFO batch
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : messages) {
            if (failed.contains(m.getMessageId())) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            }
        }
        count("Messages", messages.size());
        count("RetriesReported", failures.size());
        config.metrics().time(METRICS_PATTERN, config.metricsName(), "BatchDuration", config.ticker().nanoTime() - start);
        return new SQSBatchResponse(failures);
    }

    /** The metrics' pattern dimension: {@value}. */
    static final String METRICS_PATTERN = "sqs-batch";

    private void count(String metric, long n) {
        if (n > 0) {
            config.metrics().count(METRICS_PATTERN, config.metricsName(), metric, n);
        }
    }

    /**
     * One batch: its units (a message, or a FIFO group) are taken in order by at most
     * {@code parallelism} workers, the calling thread being one of them, so one invocation never
     * waits behind another invocation's messages (Lambda Managed Instances run many at once).
     */
    private final class Run {
        private final List<List<SQSEvent.SQSMessage>> units;
        private final Invocation invocation;
        private final Set<String> failed;
        private final boolean groups;
        /** Set by a fatal error: no message is started after it. */
        private volatile Throwable fatal;

        Run(List<List<SQSEvent.SQSMessage>> units, Invocation invocation, Set<String> failed, boolean groups) {
            this.groups = groups;
            this.units = units;
            this.invocation = invocation;
            this.failed = failed;
        }

        void runAll() {
            ParallelRuns.run(units.size(), config.parallelism(), pool, this::runUnit);
        }

        private void runUnit(int index) {
            List<SQSEvent.SQSMessage> unit = units.get(index);
            for (int j = 0; j < unit.size(); j++) {
                String reason = mayStart();
                boolean done;
                var logs = LogContext.open(invocation, METRICS_PATTERN, config.metricsName(),
                        unit.get(j).getMessageId());
                try {
                    done = reason == null ? process(unit.get(j), invocation, this) : notStarted(unit.get(j), reason);
                } finally {
                    logs.close();
                }
                if (!done) {
                    if (groups) {
                        count("GroupsStopped", 1);
                    }
                    for (int k = j; k < unit.size(); k++) {
                        failed.add(unit.get(k).getMessageId()); // a FIFO group retries from here, in order
                    }
                    return;
                }
            }
        }

        /** @return why no further message may start, or null */
        private String mayStart() {
            if (fatal != null) {
                return "an earlier message of this batch hit " + fatal.getClass().getName();
            }
            Duration left = invocation.remainingTime();
            if (left.compareTo(config.stopStartingBefore()) < 0) {
                return left.toMillis() + " ms left of the invocation (stopStartingBefore "
                        + config.stopStartingBefore().toMillis() + " ms)";
            }
            return null;
        }

        private boolean notStarted(SQSEvent.SQSMessage message, String reason) {
            LOG.warn("message {} not started, reported for retry: {}", message.getMessageId(), reason);
            return false;
        }
    }

    /** @return true when the message is done (succeeded, or poison handed to the DLQ) */
    private boolean process(SQSEvent.SQSMessage message, Invocation invocation, Run run) {
        T body;
        try {
            String raw = message.getBody() == null ? "" : message.getBody();
            body = config.bodyCodec().decode(raw.getBytes(StandardCharsets.UTF_8));
        } catch (CodecException | IllegalArgumentException e) {
            return poison(message, new PoisonMessageException("body cannot be decoded: " + e.getMessage(), e));
        }
        try {
            handler.handle(new QueueMessage<>(message, body), invocation);
            return true;
        } catch (Throwable e) { // Errors and undeclared checked exceptions (Kotlin, @SneakyThrows) fail this message only
            if (Failures.isFatal(e)) {
                run.fatal = e;
                LOG.error("message {} failed with {}: no further message of this batch is started; "
                        + "the rest are reported for retry", message.getMessageId(), e.getClass().getName(), e);
                return false;
            }
            if (config.nonRetryable().test(e)) {
                return poison(message, e);
            }
            LOG.warn("message {} failed; reported for retry: {}", message.getMessageId(), e.toString());
            return false;
        }
    }

    private boolean poison(SQSEvent.SQSMessage message, Throwable reason) {
        DeadLetterQueue dlq = config.deadLetterQueue();
        if (dlq == null) {
            count("PoisonWithoutDlq", 1);
            LOG.error("message {} is poison ({}) but no dead-letter queue is configured: reported as a failure so the "
                    + "queue's redrive policy applies", message.getMessageId(), reason.toString());
            return false;
        }
        Map<String, String> attributes = new HashMap<>();
        if (message.getMessageAttributes() != null) {
            message.getMessageAttributes().forEach((k, v) -> {
                if (v != null && v.getStringValue() != null) {
                    attributes.put(k, v.getStringValue());
                }
            });
        }
        String group = message.getAttributes() == null ? null : message.getAttributes().get("MessageGroupId");
        try {
            dlq.send(message.getMessageId(), message.getBody(), group, message.getEventSourceArn(), attributes, reason);
            count("PoisonToDlq", 1);
            LOG.warn("message {} is poison ({}): sent to {}", message.getMessageId(), reason.toString(), dlq.queueUrl());
            return true;
        } catch (Throwable sendFailure) {
            LOG.error("message {} is poison but sending it to {} failed: reported as a failure instead", message.getMessageId(),
                    dlq.queueUrl(), sendFailure);
            return false;
        }
    }

    /**
     * Warms what this handler talks to for a SnapStart snapshot: its dead-letter queue, if one is
     * configured ({@link DeadLetterQueue#prime()}). The record handler is not called.
     */
    @Override
    public void prime() {
        if (config.deadLetterQueue() != null) {
            config.deadLetterQueue().prime();
        }
    }
}
