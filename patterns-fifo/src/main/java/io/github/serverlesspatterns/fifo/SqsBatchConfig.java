package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.metrics.Metrics;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Immutable configuration of an {@link SqsBatchHandler}. Defaults: sequential processing
 * (parallelism 1), FIFO detected from the event source ARN ({@code .fifo}), only
 * {@link PoisonMessageException} counts as poison, and no dead-letter queue (poison messages
 * are then reported as failures, so the queue's own redrive policy applies), and no message is
 * started with less than {@link #DEFAULT_STOP_STARTING_BEFORE} of the invocation left.
 *
 * @param <T> the message body type
 */
public final class SqsBatchConfig<T> {

    /** Whether the queue is FIFO. */
    public enum QueueType {
        /** Decide per batch from the event source ARN (a name ending in {@code .fifo}). */
        DETECT,
        /** A standard queue: every message on its own. */
        STANDARD,
        /** A FIFO queue: each message group in order. */
        FIFO
    }

    /** Default of {@link Builder#stopStartingBefore(Duration)}: 500 ms. */
    public static final Duration DEFAULT_STOP_STARTING_BEFORE = Duration.ofMillis(500);

    private final Codec<T> bodyCodec;
    private final int parallelism;
    private final Duration stopStartingBefore;
    private final QueueType queueType;
    private final Predicate<Throwable> nonRetryable;
    private final DeadLetterQueue deadLetterQueue;
    private final Metrics metrics;
    private final String metricsName;
    private final Ticker ticker;

    private SqsBatchConfig(Builder<T> b) {
        this.bodyCodec = b.bodyCodec;
        this.parallelism = b.parallelism;
        this.stopStartingBefore = b.stopStartingBefore;
        this.queueType = b.queueType;
        this.nonRetryable = b.nonRetryable;
        this.deadLetterQueue = b.deadLetterQueue;
        this.metrics = b.metrics;
        this.metricsName = b.metricsName;
        this.ticker = b.ticker;
    }

    /**
     * @param bodyCodec decodes each message body (a body it rejects is poison)
     * @param <T>       the body type
     * @return a builder with the defaults
     */
    public static <T> Builder<T> builder(Codec<T> bodyCodec) {
        return new Builder<>(bodyCodec);
    }

    /** @return the body codec */
    public Codec<T> bodyCodec() {
        return bodyCodec;
    }

    /** @return messages (standard) or groups (FIFO) processed at once; default 1 */
    public int parallelism() {
        return parallelism;
    }

    /** @return a message is not started when less than this is left of the invocation; default {@link #DEFAULT_STOP_STARTING_BEFORE} */
    public Duration stopStartingBefore() {
        return stopStartingBefore;
    }

    /** @return the queue type; default {@link QueueType#DETECT} */
    public QueueType queueType() {
        return queueType;
    }

    /** @return which handler exceptions make a message poison; default {@link PoisonMessageException} */
    public Predicate<Throwable> nonRetryable() {
        return nonRetryable;
    }

    /** @return where batches are reported; default {@code Metrics.none()} */
    public Metrics metrics() {
        return metrics;
    }

    /** @return the {@code Name} dimension of this consumer's metrics */
    public String metricsName() {
        return metricsName;
    }

    /** @return what the reported durations are measured with; default {@link Ticker#system()} */
    public Ticker ticker() {
        return ticker;
    }

    /** @return the dead-letter queue for poison messages, or {@code null} (the default) */
    public DeadLetterQueue deadLetterQueue() {
        return deadLetterQueue;
    }

    /**
     * Builder of {@link SqsBatchConfig}. Not thread-safe.
     *
     * @param <T> the body type
     */
    public static final class Builder<T> {
        private final Codec<T> bodyCodec;
        private int parallelism = 1;
        private Duration stopStartingBefore = DEFAULT_STOP_STARTING_BEFORE;
        private QueueType queueType = QueueType.DETECT;
        private Predicate<Throwable> nonRetryable = e -> e instanceof PoisonMessageException;
        private DeadLetterQueue deadLetterQueue;
        private Metrics metrics = Metrics.none();
        private String metricsName = "sqs";
        private Ticker ticker = Ticker.system();

        private Builder(Codec<T> bodyCodec) {
            this.bodyCodec = Objects.requireNonNull(bodyCodec, "bodyCodec");
        }

        /**
         * @param parallelism messages (standard queue) or message groups (FIFO) processed at once,
         *                    1 to 64; each FIFO group stays sequential
         * @return this builder
         */
        public Builder<T> parallelism(int parallelism) {
            this.parallelism = Checks.between(parallelism, 1, 64, "parallelism");
            return this;
        }

        /**
         * A message is not started when less than {@code margin} is left before the invocation's
         * deadline: it is reported as a failure (with the later messages of its FIFO group) and
         * comes back after the queue's visibility timeout, instead of the whole batch timing out
         * and every message, done or not, coming back. Set it to about the time one message takes.
         *
         * @param margin zero or more; {@link Duration#ZERO} starts messages until the deadline
         * @return this builder
         */
        public Builder<T> stopStartingBefore(Duration margin) {
            Objects.requireNonNull(margin, "margin");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("stopStartingBefore must not be negative: " + margin);
            }
            this.stopStartingBefore = margin;
            return this;
        }

        /**
         * @param queueType FIFO, standard, or detect from the event
         * @return this builder
         */
        public Builder<T> queueType(QueueType queueType) {
            this.queueType = Objects.requireNonNull(queueType, "queueType");
            return this;
        }

        /**
         * @param predicate which handler exceptions mean the message can never succeed (besides
         *                  {@link PoisonMessageException}, which always does)
         * @return this builder
         */
        public Builder<T> nonRetryable(Predicate<Throwable> predicate) {
            Objects.requireNonNull(predicate, "predicate");
            this.nonRetryable = e -> e instanceof PoisonMessageException || predicate.test(e);
            return this;
        }

        /**
         * @param deadLetterQueue where poison messages go at once (then acknowledged)
         * @return this builder
         */
        public Builder<T> deadLetterQueue(DeadLetterQueue deadLetterQueue) {
            this.deadLetterQueue = Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
            return this;
        }

        /**
         * Reports each batch under pattern {@code sqs-batch} and {@code name}: counts
         * {@code Messages}, {@code RetriesReported} (messages reported as batch item failures),
         * {@code PoisonToDlq}, {@code PoisonWithoutDlq}, {@code GroupsStopped} (FIFO groups that
         * stopped at a failed message), and the duration {@code BatchDuration}. Default: none.
         *
         * @param metrics e.g. {@code EmfMetrics.create("Orders")}
         * @param name    the consumer's name (the {@code Name} dimension), e.g. the queue's logical name
         * @return this builder
         */
        public Builder<T> metrics(Metrics metrics, String name) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            this.metricsName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param ticker what the reported durations are measured with; default
         *               {@link Ticker#system()}, a test gives the kit's {@code ManualTicker}
         * @return this builder
         */
        public Builder<T> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return the config */
        public SqsBatchConfig<T> build() {
            return new SqsBatchConfig<>(this);
        }
    }
}
