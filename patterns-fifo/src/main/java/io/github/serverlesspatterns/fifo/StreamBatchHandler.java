package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.metrics.Metrics;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Handles Kinesis and DynamoDB Streams batches in order, with {@code ReportBatchItemFailures}:
 * records run one after another; at the first failure the batch stops and that record's sequence
 * number is reported, so Lambda retries from it (the records after it are not run, so order
 * holds and nothing is skipped). A record whose handler throws {@link PoisonMessageException}
 * goes to the dead-letter queue (when one is configured) and the batch goes on. Any
 * {@link Throwable} is a failure like any other (Errors, and checked exceptions thrown undeclared
 * by Kotlin or Lombok's {@code @SneakyThrows}); nothing escapes the batch.
 *
 * <p>{@link #reportingEveryFailure()} runs every record and reports each one that failed, as
 * Powertools' batch utility does. Lambda checkpoints at the lowest reported sequence number, so
 * the retry starts at the first failure either way; the difference is that the records after it
 * have already run once, out of order with the failed one, and run again on the retry. Use it
 * only when records are independent and the handler is idempotent; the default (stop at the
 * first failure) keeps the order and runs no record twice for it.
 *
 * <pre>{@code
 * RequestHandler<DynamodbEvent, StreamsEventResponse> replicate =
 *         LambdaAdapters.toRequestHandler(StreamBatchHandler.dynamodb(copyToReportingDb));
 * }</pre>
 *
 * @param <E> the event type
 * @param <R> the record type
 */
public final class StreamBatchHandler<E, R> implements Handler<E, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamBatchHandler.class);

    private final Function<E, List<R>> records;
    private final Function<R, String> sequenceNumber;
    private final Handler<R, ?> handler;
    private final DeadLetterQueue deadLetterQueue;
    private final String kind;
    private final Function<R, String> describe;
    private final boolean everyFailure;
    private final Metrics metrics;
    private final String metricsName;
    private final Ticker ticker;

    /** The pattern dimension of the stream consumers' metrics: {@value}. */
    static final String METRICS_PATTERN = "stream-batch";

    private StreamBatchHandler(String kind, Function<E, List<R>> records, Function<R, String> sequenceNumber,
                               Function<R, String> describe, Handler<R, ?> handler, DeadLetterQueue deadLetterQueue,
                               boolean everyFailure, Metrics metrics, String metricsName, Ticker ticker) {
        this.metrics = metrics;
        this.ticker = ticker;
        this.metricsName = metricsName;
        this.kind = kind;
        this.everyFailure = everyFailure;
        this.describe = describe;
        this.records = records;
        this.sequenceNumber = sequenceNumber;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.deadLetterQueue = deadLetterQueue;
    }

    /**
     * @param handler handles one Kinesis record
     * @return the batch handler
     */
    public static StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> kinesis(
            Handler<KinesisEvent.KinesisEventRecord, ?> handler) {
        return new StreamBatchHandler<>("Kinesis", KinesisEvent::getRecords, r -> r.getKinesis().getSequenceNumber(),
                PoisonRecords::kinesis, handler, null, false, Metrics.none(), "kinesis", Ticker.system());
    }

    /**
     * @param handler handles one DynamoDB stream record
     * @return the batch handler
     */
    public static StreamBatchHandler<DynamodbEvent, DynamodbEvent.DynamodbStreamRecord> dynamodb(
            Handler<DynamodbEvent.DynamodbStreamRecord, ?> handler) {
        return new StreamBatchHandler<>("DynamoDB stream", DynamodbEvent::getRecords, r -> r.getDynamodb().getSequenceNumber(),
                PoisonRecords::dynamodb, handler, null, false, Metrics.none(), "dynamodb", Ticker.system());
    }

    /**
     * @param deadLetterQueue where poison records go, with the reason: one JSON object per record with its
     *                        identifiers (event id, source ARN, partition key or keys, sequence number) and its
     *                        data (Kinesis data as base64; DynamoDB images in their text form)
     * @return a handler like this one that sends poison records there and goes on
     */
    public StreamBatchHandler<E, R> withDeadLetterQueue(DeadLetterQueue deadLetterQueue) {
        return new StreamBatchHandler<>(kind, records, sequenceNumber, describe, handler,
                Objects.requireNonNull(deadLetterQueue, "deadLetterQueue"), everyFailure, metrics, metricsName, ticker);
    }

    /**
     * @return a handler like this one that runs every record of a batch and reports each failed one
     *         (see the class comment for the trade-off)
     */
    public StreamBatchHandler<E, R> reportingEveryFailure() {
        return new StreamBatchHandler<>(kind, records, sequenceNumber, describe, handler, deadLetterQueue, true, metrics, metricsName, ticker);
    }

    /**
     * Reports each batch under pattern {@code stream-batch} and {@code name}: counts
     * {@code Records} (records run), {@code Failures} (records reported for retry),
     * {@code PoisonToDlq}, and the duration {@code BatchDuration}.
     *
     * @param metrics e.g. {@code EmfMetrics.create("Reporting")}
     * @param name    the consumer's name (the {@code Name} dimension), e.g. the stream's logical name
     * @return a handler like this one that reports there
     */
    public StreamBatchHandler<E, R> withMetrics(Metrics metrics, String name) {
        return new StreamBatchHandler<>(kind, records, sequenceNumber, describe, handler, deadLetterQueue, everyFailure,
                Objects.requireNonNull(metrics, "metrics"), Objects.requireNonNull(name, "name"), ticker);
    }

    /**
     * @param ticker what {@code BatchDuration} is measured with; default {@link Ticker#system()}, a
     *               test gives the kit's {@code ManualTicker}
     * @return a handler like this one that measures with it
     */
    public StreamBatchHandler<E, R> withTicker(Ticker ticker) {
        return new StreamBatchHandler<>(kind, records, sequenceNumber, describe, handler, deadLetterQueue, everyFailure, metrics,
                metricsName, Objects.requireNonNull(ticker, "ticker"));
    }

    @Override
    public StreamsEventResponse handle(E event, Invocation invocation) {
        List<R> batch = event == null ? null : records.apply(event);
        if (batch == null) {
            throw new IllegalArgumentException("malformed " + kind + " event: " + (event == null ? "null event" : "no Records"));
        }
        long start = ticker.nanoTime();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        int ran = 0;
        for (R record : batch) {
            String sequence = sequenceNumber.apply(record);
            if (sequence == null) {
                throw new IllegalArgumentException("malformed " + kind + " event: a record has no sequence number");
            }
            ran++;
            Throwable failure = run(record, sequence, invocation);
            if (failure != null) {
                LOG.warn("{} record {} failed; {}: {}", kind, sequence,
                        everyFailure ? "reported, the batch goes on" : "the batch is retried from it", failure.toString());
                failures.add(new StreamsEventResponse.BatchItemFailure(sequence));
                if (!everyFailure) {
                    break; // reported at its record so that Lambda retries from there and nothing is skipped
                }
            }
        }
        metrics.count(METRICS_PATTERN, metricsName, "Records", ran);
        metrics.count(METRICS_PATTERN, metricsName, "Failures", failures.size());
        metrics.time(METRICS_PATTERN, metricsName, "BatchDuration", ticker.nanoTime() - start);
        return new StreamsEventResponse(failures);
    }

    /** @return the record's failure, or null when it is done (succeeded, or poison handed to the DLQ) */
    private Throwable run(R record, String sequence, Invocation invocation) {
        LogContext.Scope logs = LogContext.open(invocation, METRICS_PATTERN, metricsName, sequence);
        try {
            return runLogged(record, sequence, invocation);
        } finally {
            logs.close();
        }
    }

    private Throwable runLogged(R record, String sequence, Invocation invocation) {
        try {
            handler.handle(record, invocation);
            return null;
        } catch (PoisonMessageException poison) {
            if (deadLetterQueue == null) {
                return poison;
            }
            try {
                deadLetterQueue.send(sequence, describe.apply(record), null, kind, Map.of(), poison);
                metrics.count(METRICS_PATTERN, metricsName, "PoisonToDlq", 1);
                return null;
            } catch (Throwable sendFailure) {
                LOG.error("{} record {} is poison but the dead-letter queue refused it", kind, sequence, sendFailure);
                return poison;
            }
        } catch (Throwable e) { // checked exceptions (Kotlin, Lombok's @SneakyThrows) and Errors too: a failure like any other
            return e;
        }
    }
}
