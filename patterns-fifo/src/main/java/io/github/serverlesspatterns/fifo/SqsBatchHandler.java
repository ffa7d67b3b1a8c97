package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
 * </ul>
 * The handler is thread-safe; its pool (parallelism above 1) uses daemon threads and lives as
 * long as the handler, typically the Lambda instance.
 *
 * @param <T> the message body type
 */
public final class SqsBatchHandler<T> implements Handler<SQSEvent, SQSBatchResponse>, io.github.serverlesspatterns.core.Primeable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchHandler.class);

    private final SqsBatchConfig<T> config;
    private final Handler<QueueMessage<T>, ?> handler;
    private final ExecutorService pool;

    private SqsBatchHandler(SqsBatchConfig<T> config, Handler<QueueMessage<T>, ?> handler) {
        this.config = config;
        this.handler = handler;
        if (config.parallelism() > 1) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(config.parallelism(), r -> {
                Thread t = new Thread(r, "sqs-batch-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
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
        Set<String> failed = ConcurrentHashMap.newKeySet();
        if (fifo) {
            Map<String, List<SQSEvent.SQSMessage>> groups = new LinkedHashMap<>();
            for (SQSEvent.SQSMessage m : messages) {
                String group = m.getAttributes() == null ? null : m.getAttributes().get("MessageGroupId");
                groups.computeIfAbsent(group == null ? "" : group, k -> new ArrayList<>()).add(m);
            }
            runAll(new ArrayList<>(groups.values()), group -> processGroup(group, invocation, failed));
        } else {
            List<List<SQSEvent.SQSMessage>> singles = new ArrayList<>();
            for (SQSEvent.SQSMessage m : messages) {
                singles.add(List.of(m));
            }
            runAll(singles, single -> {
                if (!process(single.get(0), invocation)) {
                    failed.add(single.get(0).getMessageId());
                }
            });
        }
        // report in event order, as Lambda reads the first failure of a FIFO batch
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : messages) {
            if (failed.contains(m.getMessageId())) {
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private void processGroup(List<SQSEvent.SQSMessage> group, Invocation invocation, Set<String> failed) {
        for (int i = 0; i < group.size(); i++) {
            if (!process(group.get(i), invocation)) {
                for (int j = i; j < group.size(); j++) {
                    failed.add(group.get(j).getMessageId()); // keep the group's order: retry from here
                }
                return;
            }
        }
    }

    private void runAll(List<List<SQSEvent.SQSMessage>> units, java.util.function.Consumer<List<SQSEvent.SQSMessage>> work) {
        if (pool == null || units.size() <= 1) {
            units.forEach(work);
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        for (List<SQSEvent.SQSMessage> unit : units) {
            futures.add(pool.submit(() -> work.accept(unit)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PatternsException("interrupted while processing an SQS batch", e);
            } catch (ExecutionException e) {
                throw new PatternsException("SQS batch worker failed unexpectedly", e.getCause());
            }
        }
    }

    /** @return true when the message is done (succeeded, or poison handed to the DLQ) */
    private boolean process(SQSEvent.SQSMessage message, Invocation invocation) {
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
        } catch (RuntimeException e) {
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
            LOG.warn("message {} is poison ({}): sent to {}", message.getMessageId(), reason.toString(), dlq.queueUrl());
            return true;
        } catch (RuntimeException sendFailure) {
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
