package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The catalogue's FIFOer: a function started by a schedule, with reserved concurrency 1, that
 * drains a FIFO queue in order and re-invokes itself asynchronously while messages remain.
 *
 * <p>Each round receives up to 10 messages, processes each group's messages in order, and deletes
 * what succeeded in one {@code DeleteMessageBatch}; a failed message and the rest of its group are
 * left for redelivery (SQS then holds the group back), so no message is deleted before it is
 * processed and order within a group is kept. Rounds go on while the invocation has more than
 * the safety margin left (and up to a batch limit); if the queue still had messages, the loop
 * invokes its own function ({@code Event}) before returning. Thread-safe; a handler of
 * {@code Map<String, Object>} (the scheduled event) to {@link DrainResult}.
 *
 * @param <T> the message body type
 */
public final class FifoDrainLoop<T> implements Handler<Map<String, Object>, DrainResult> {

    private static final Logger LOG = LoggerFactory.getLogger(FifoDrainLoop.class);
    /** The pattern dimension of the drain loop's metrics: {@value}. */
    static final String METRICS_PATTERN = "fifo-drain";

    private final SqsClient sqs;
    private final String queueUrl;
    private final LambdaClient lambda;
    private final Handler<T, ?> handler;
    /** The codec, safety margin, batch limit, dead-letter queue and metrics: read from here, not copied. */
    private final FifoDrainConfig<T> config;

    private FifoDrainLoop(SqsClient sqs, String queueUrl, LambdaClient lambda, FifoDrainConfig<T> config, Handler<T, ?> handler) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.lambda = lambda;
        this.handler = handler;
        this.config = config;
    }

    /**
     * @param sqs      the SQS client
     * @param queueUrl the FIFO queue (its URL ends in {@code .fifo})
     * @param lambda   the Lambda client used to re-invoke this function
     * @param config   the body codec, safety margin, batch limit and dead-letter queue
     * @param handler  processes one message body
     * @param <T>      the body type
     * @return the drain loop
     * @throws IllegalArgumentException if the queue is not a FIFO queue (order could not be kept)
     */
    public static <T> FifoDrainLoop<T> of(SqsClient sqs, String queueUrl, LambdaClient lambda, FifoDrainConfig<T> config,
                                          Handler<T, ?> handler) {
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(queueUrl, "queueUrl");
        if (!queueUrl.endsWith(".fifo")) {
            throw new IllegalArgumentException("the drain loop keeps FIFO order: queueUrl must name a .fifo queue: " + queueUrl);
        }
        return new FifoDrainLoop<>(sqs, queueUrl, Objects.requireNonNull(lambda, "lambda"), Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public DrainResult handle(Map<String, Object> event, Invocation invocation) {
        long start = config.ticker().nanoTime();
        int processed = 0;
        int failed = 0;
        int batches = 0;
        StopReason stop;
        while (true) {
            if (invocation.remainingTime().compareTo(config.safetyMargin()) <= 0) {
                stop = StopReason.DEADLINE;
                break;
            }
            if (batches >= config.maxBatchesPerInvocation()) {
                stop = StopReason.BATCH_LIMIT;
                break;
            }
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (messages.isEmpty()) {
                stop = StopReason.EMPTY;
                break;
            }
            batches++;
            List<Message> done = new ArrayList<>();
            Set<String> blockedGroups = new HashSet<>();
            for (Message m : messages) {
                String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
                if (group != null && blockedGroups.contains(group)) {
                    failed++; // a later message of a failed group: leave it, so order holds
                    continue;
                }
                boolean ok;
                try {
                    ok = process(m, invocation);
                } catch (Throwable fatal) { // only a fatal error gets here (process answers every other one)
                    int deleted = delete(done); // what finished is not run again; the rest stays for redelivery, in order
                    LOG.error("drain loop on {}: message {} failed with {}: {} finished messages of this batch deleted, "
                            + "the rest left for redelivery", queueUrl, m.messageId(), fatal.getClass().getName(), deleted, fatal);
                    throw Failures.rethrow(fatal);
                }
                if (ok) {
                    done.add(m);
                } else {
                    failed++;
                    if (group != null) {
                        blockedGroups.add(group);
                    }
                }
            }
            processed += delete(done);
        }
        boolean reinvoke = stop != StopReason.EMPTY;
        if (reinvoke) {
            lambda.invoke(b -> b.functionName(invocation.functionName()).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromString("{\"source\":\"fifo-drain-loop\",\"continue\":true}", StandardCharsets.UTF_8)));
        }
        DrainResult result = new DrainResult(processed, failed, batches, reinvoke, stop);
        String name = config.metricsName();
        config.metrics().count(METRICS_PATTERN, name, "Processed", processed);
        config.metrics().count(METRICS_PATTERN, name, "Failed", failed);
        config.metrics().count(METRICS_PATTERN, name, "Batches", batches);
        config.metrics().count(METRICS_PATTERN, name, "Reinvocations", reinvoke ? 1 : 0);
        config.metrics().time(METRICS_PATTERN, name, "DrainDuration", config.ticker().nanoTime() - start);
        LOG.info("drain loop on {}: {}", queueUrl, result);
        return result;
    }

    private boolean process(Message m, Invocation invocation) {
        T body;
        try {
            body = config.bodyCodec().decode(m.body().getBytes(StandardCharsets.UTF_8));
        } catch (CodecException | IllegalArgumentException e) {
            return poison(m, new PoisonMessageException("body cannot be decoded: " + e.getMessage(), e));
        }
        LogContext.Scope logs = LogContext.open(invocation, METRICS_PATTERN, config.metricsName(), m.messageId());
        try {
            handler.handle(body, invocation);
            return true;
        } catch (PoisonMessageException e) {
            return poison(m, e);
        } catch (Throwable e) { // Errors and undeclared checked exceptions (Kotlin, @SneakyThrows) fail this message only
            if (Failures.isFatal(e)) {
                throw Failures.rethrow(e);
            }
            LOG.warn("message {} failed; its group waits for redelivery: {}", m.messageId(), e.toString());
            return false;
        } finally {
            logs.close();
        }
    }

    private boolean poison(Message m, Throwable reason) {
        DeadLetterQueue deadLetterQueue = config.deadLetterQueue().orElse(null);
        if (deadLetterQueue == null) {
            LOG.error("message {} is poison ({}) and no dead-letter queue is configured: left for the queue's redrive policy",
                    m.messageId(), reason.toString());
            return false;
        }
        try {
            deadLetterQueue.send(m.messageId(), m.body(), m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                    queueUrl, Map.of(), reason);
            return true;
        } catch (RuntimeException e) {
            LOG.error("message {} is poison but the dead-letter queue refused it; left in the queue", m.messageId(), e);
            return false;
        }
    }

    private int delete(List<Message> done) {
        if (done.isEmpty()) {
            return 0;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(done.get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            LOG.warn("drain loop: {} deletes failed (the messages will be redelivered; make the handler idempotent): {}",
                    response.failed().size(), response.failed());
        }
        return response.successful().size();
    }
}
