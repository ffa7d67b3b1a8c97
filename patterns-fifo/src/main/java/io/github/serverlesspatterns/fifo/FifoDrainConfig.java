package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.metrics.Metrics;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.internal.Checks;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link FifoDrainLoop}: how message bodies decode, how much of the invocation's
 * time it keeps in hand, how many batches one invocation takes, and where poison messages go.
 * Immutable; build with {@link #builder(Codec)}.
 *
 * @param <T> the message body type
 */
public final class FifoDrainConfig<T> {

    /** Default time kept in hand before the deadline: 5 seconds. */
    public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofSeconds(5);
    /** Default batches per invocation: 100. */
    public static final int DEFAULT_MAX_BATCHES = 100;

    private final Codec<T> bodyCodec;
    private final Duration safetyMargin;
    private final int maxBatches;
    private final DeadLetterQueue deadLetterQueue;
    private final Metrics metrics;
    private final String metricsName;
    private final Ticker ticker;

    private FifoDrainConfig(Builder<T> b) {
        this.metrics = b.metrics;
        this.metricsName = b.metricsName;
        this.ticker = b.ticker;
        this.bodyCodec = b.bodyCodec;
        this.safetyMargin = b.safetyMargin;
        this.maxBatches = b.maxBatches;
        this.deadLetterQueue = b.deadLetterQueue;
    }

    /**
     * @param bodyCodec decodes message bodies (a body it rejects is poison)
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

    /** @return the time kept in hand before the deadline; default {@link #DEFAULT_SAFETY_MARGIN} */
    public Duration safetyMargin() {
        return safetyMargin;
    }

    /** @return batches per invocation before it re-invokes itself; default {@value #DEFAULT_MAX_BATCHES} */
    public int maxBatchesPerInvocation() {
        return maxBatches;
    }

    /** @return where poison messages go, if anywhere (else they stay and block their group until the queue's redrive) */
    public Optional<DeadLetterQueue> deadLetterQueue() {
        return Optional.ofNullable(deadLetterQueue);
    }

    /** @return where each invocation's drain is reported; default {@code Metrics.none()} */
    public Metrics metrics() {
        return metrics;
    }

    /** @return the {@code Name} dimension of the drain loop's metrics */
    public String metricsName() {
        return metricsName;
    }

    /** @return what the reported durations are measured with; default {@link Ticker#system()} */
    public Ticker ticker() {
        return ticker;
    }

    /**
     * Builder of {@link FifoDrainConfig}; each setter checks its value at once. Not thread-safe.
     *
     * @param <T> the body type
     */
    public static final class Builder<T> {
        private final Codec<T> bodyCodec;
        private Duration safetyMargin = DEFAULT_SAFETY_MARGIN;
        private int maxBatches = DEFAULT_MAX_BATCHES;
        private DeadLetterQueue deadLetterQueue;
        private Metrics metrics = Metrics.none();
        private String metricsName = "fifo";
        private Ticker ticker = Ticker.system();

        private Builder(Codec<T> bodyCodec) {
            this.bodyCodec = Objects.requireNonNull(bodyCodec, "bodyCodec");
        }

        /**
         * @param margin time kept in hand before the deadline: no new batch starts with less left
         * @return this builder
         * @throws IllegalArgumentException if it is negative
         */
        public Builder<T> safetyMargin(Duration margin) {
            Objects.requireNonNull(margin, "margin");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("safety margin must not be negative: " + margin);
            }
            this.safetyMargin = margin;
            return this;
        }

        /**
         * @param maxBatches batches per invocation before it re-invokes itself (1 is the catalogue's shape)
         * @return this builder
         * @throws IllegalArgumentException if it is below 1
         */
        public Builder<T> maxBatchesPerInvocation(int maxBatches) {
            this.maxBatches = Checks.atLeast(maxBatches, 1, "maxBatches");
            return this;
        }

        /**
         * @param deadLetterQueue where poison messages go (then deleted from the queue)
         * @return this builder
         */
        public Builder<T> deadLetterQueue(DeadLetterQueue deadLetterQueue) {
            this.deadLetterQueue = Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
            return this;
        }

        /**
         * Reports each invocation under pattern {@code fifo-drain} and {@code name}: counts
         * {@code Processed}, {@code Failed} (left for redelivery with the rest of their group),
         * {@code Batches} and {@code Reinvocations}, and the duration {@code DrainDuration}.
         *
         * @param metrics e.g. {@code EmfMetrics.create("Ledger")}
         * @param name    the loop's name (the {@code Name} dimension), e.g. the queue's logical name
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
        public FifoDrainConfig<T> build() {
            return new FifoDrainConfig<>(this);
        }
    }
}
