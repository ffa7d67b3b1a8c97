package io.github.serverlesspatterns.testing;

import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How {@link LambdaService} hosts one function: its name, code, timeout, reserved concurrency,
 * asynchronous retries and failure destinations. Immutable; build with {@link #builder(String, LocalFunction)}.
 */
public final class FunctionConfig {

    /** Default timeout: 60 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Default retries of a failed asynchronous event: 2, as Lambda. */
    public static final int DEFAULT_MAX_EVENT_RETRIES = 2;
    /** Default maximum age of an event: 6 hours, as Lambda. */
    public static final Duration DEFAULT_MAXIMUM_EVENT_AGE = Duration.ofHours(6);
    /** Default delay before retrying a failed event: 100 ms (Lambda waits about 1 and 2 minutes). */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(100);

    private final String name;
    private final LocalFunction function;
    private final Duration timeout;
    private final OptionalInt reservedConcurrency;
    private final int maxEventRetries;
    private final Duration retryDelay;
    private final Destination onFailure;
    private final Destination deadLetterQueue;
    private final Set<String> aliases;
    private final Duration maximumEventAge;

    private FunctionConfig(Builder b) {
        this.maximumEventAge = b.maximumEventAge;
        this.aliases = Set.copyOf(b.aliases);
        this.name = b.name;
        this.function = b.function;
        this.timeout = b.timeout;
        this.reservedConcurrency = b.reservedConcurrency;
        this.maxEventRetries = b.maxEventRetries;
        this.retryDelay = b.retryDelay;
        this.onFailure = b.onFailure;
        this.deadLetterQueue = b.deadLetterQueue;
    }

    /**
     * @param name     the function name, as callers pass it to Invoke
     * @param function the code
     * @return a builder with the defaults
     */
    public static Builder builder(String name, LocalFunction function) {
        return new Builder(name, function);
    }

    /** @return the function name */
    public String name() {
        return name;
    }

    /** @return the code */
    public LocalFunction function() {
        return function;
    }

    /** @return the timeout; default {@link #DEFAULT_TIMEOUT} */
    public Duration timeout() {
        return timeout;
    }

    /** @return the reserved concurrency; empty (the default) for no limit */
    public OptionalInt reservedConcurrency() {
        return reservedConcurrency;
    }

    /** @return retries of a failed event; default {@link #DEFAULT_MAX_EVENT_RETRIES} */
    public int maxEventRetries() {
        return maxEventRetries;
    }

    /** @return delay before a retry; default {@link #DEFAULT_RETRY_DELAY} */
    public Duration retryDelay() {
        return retryDelay;
    }

    /** @return the on-failure destination for events whose retries are exhausted, if any */
    public Optional<Destination> onFailure() {
        return Optional.ofNullable(onFailure);
    }

    /** @return the dead-letter queue for events whose retries are exhausted, if any */
    public Optional<Destination> deadLetterQueue() {
        return Optional.ofNullable(deadLetterQueue);
    }

    /** @return how old an event may get before Lambda stops retrying it; default {@link #DEFAULT_MAXIMUM_EVENT_AGE} */
    public Duration maximumEventAge() {
        return maximumEventAge;
    }

    /** @return the aliases callers may name as the qualifier, besides {@code $LATEST}; default none */
    public Set<String> aliases() {
        return aliases;
    }

    /**
     * @param qualifier a version or alias from a call
     * @return whether Lambda would run this function for it: {@code $LATEST}, a published version
     *         (when the function has an alias, as {@code AutoPublishAlias} makes one) or an alias
     */
    boolean answersTo(String qualifier) {
        return "$LATEST".equals(qualifier) || aliases.contains(qualifier)
                || (!aliases.isEmpty() && qualifier.chars().allMatch(Character::isDigit) && !qualifier.isEmpty());
    }

    /** An SQS queue that receives failed events. */
    public static final class Destination {
        private final SqsClient sqs;
        private final String queueUrl;

        private Destination(SqsClient sqs, String queueUrl) {
            this.sqs = Objects.requireNonNull(sqs, "sqs");
            this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        }

        /** @return the client that sends to the queue */
        public SqsClient sqs() {
            return sqs;
        }

        /** @return the queue URL */
        public String queueUrl() {
            return queueUrl;
        }
    }

    /** Builder of {@link FunctionConfig}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final LocalFunction function;
        private Duration timeout = DEFAULT_TIMEOUT;
        private OptionalInt reservedConcurrency = OptionalInt.empty();
        private int maxEventRetries = DEFAULT_MAX_EVENT_RETRIES;
        private Duration retryDelay = DEFAULT_RETRY_DELAY;
        private Destination onFailure;
        private Destination deadLetterQueue;
        private final Set<String> aliases = new LinkedHashSet<>();
        private Duration maximumEventAge = DEFAULT_MAXIMUM_EVENT_AGE;

        private Builder(String name, LocalFunction function) {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[a-zA-Z0-9-_]{1,64}")) {
                throw new IllegalArgumentException("function name must be 1 to 64 letters, digits, '-' or '_': " + name);
            }
            this.name = name;
            this.function = Objects.requireNonNull(function, "function");
        }

        /**
         * @param timeout how long an invocation may run (1 ms to 15 minutes)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
                throw new IllegalArgumentException("timeout must be between 1 ms and 15 minutes: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param reservedConcurrency the most invocations that run at once (at least 1); synchronous
         *                            calls beyond it are throttled (HTTP 429), events wait their turn
         * @return this builder
         */
        public Builder reservedConcurrency(int reservedConcurrency) {
            if (reservedConcurrency < 1) {
                throw new IllegalArgumentException("reservedConcurrency must be at least 1: " + reservedConcurrency);
            }
            this.reservedConcurrency = OptionalInt.of(reservedConcurrency);
            return this;
        }

        /**
         * @param maxEventRetries retries of a failed event, 0 to 2 as on Lambda
         * @return this builder
         */
        public Builder maxEventRetries(int maxEventRetries) {
            if (maxEventRetries < 0 || maxEventRetries > 2) {
                throw new IllegalArgumentException("maxEventRetries must be 0, 1 or 2: " + maxEventRetries);
            }
            this.maxEventRetries = maxEventRetries;
            return this;
        }

        /**
         * @param retryDelay delay before each retry of a failed event; not negative
         * @return this builder
         */
        public Builder retryDelay(Duration retryDelay) {
            Objects.requireNonNull(retryDelay, "retryDelay");
            if (retryDelay.isNegative()) {
                throw new IllegalArgumentException("retryDelay must not be negative: " + retryDelay);
            }
            this.retryDelay = retryDelay;
            return this;
        }

        /**
         * Sends a Lambda destination record (request payload, error, condition
         * {@code RetriesExhausted}) to the queue once an event's retries are exhausted.
         *
         * @param sqs      the SQS client
         * @param queueUrl the queue
         * @return this builder
         */
        public Builder onFailure(SqsClient sqs, String queueUrl) {
            this.onFailure = new Destination(sqs, queueUrl);
            return this;
        }

        /**
         * Sends the event's payload, with the attributes {@code RequestID}, {@code ErrorCode} and
         * {@code ErrorMessage}, to the queue once its retries are exhausted (Lambda's DLQ).
         *
         * @param sqs      the SQS client
         * @param queueUrl the queue
         * @return this builder
         */
        public Builder deadLetterQueue(SqsClient sqs, String queueUrl) {
            this.deadLetterQueue = new Destination(sqs, queueUrl);
            return this;
        }

        /**
         * {@code MaximumEventAgeInSeconds}: an event older than this is not tried again but sent to the
         * on-failure destination with the condition {@code EventAgeExceeded}. Lambda takes 60 s to 6 h;
         * shorter ages are allowed here because local retries wait {@link #retryDelay()}, not minutes.
         *
         * @param age 1 ms to 6 hours
         * @return this builder
         */
        public Builder maximumEventAge(Duration age) {
            Objects.requireNonNull(age, "age");
            if (age.isNegative() || age.isZero() || age.compareTo(Duration.ofHours(6)) > 0) {
                throw new IllegalArgumentException("maximumEventAge must be between 1 ms and 6 hours: " + age);
            }
            this.maximumEventAge = age;
            return this;
        }

        /**
         * Lets callers name this alias as the qualifier ({@code name:alias}, an alias ARN or the
         * {@code Qualifier} parameter), as a template's {@code AutoPublishAlias} does; any other
         * qualifier but {@code $LATEST} is not found, as on Lambda.
         *
         * @param alias the alias name
         * @return this builder
         */
        public Builder alias(String alias) {
            Objects.requireNonNull(alias, "alias");
            if (!alias.matches("(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}")) {
                throw new IllegalArgumentException("alias must be 1 to 128 letters, digits, '-' or '_', not only digits: " + alias);
            }
            aliases.add(alias);
            return this;
        }

        /** @return the config */
        public FunctionConfig build() {
            return new FunctionConfig(this);
        }
    }
}
