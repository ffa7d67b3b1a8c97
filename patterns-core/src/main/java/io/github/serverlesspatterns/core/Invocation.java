package io.github.serverlesspatterns.core;

import com.amazonaws.services.lambda.runtime.Context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The facts of one invocation that decorators need: the request id, the function's name and the
 * deadline by which the invocation must end.
 *
 * <p>Built from a Lambda {@link Context} with {@link #fromContext(Context, Clock)} (the adapters
 * in {@link LambdaAdapters} do this), or directly with {@link #builder()} in tests and local runs.
 * Decorators use the deadline: idempotency expires an in-progress record at the deadline, the
 * aggregator bounds its calls by it, the FIFO drain loop stops before it.
 *
 * <p>Time is read from the {@link Clock} given to the invocation, so tests can use a fake clock.
 * Instances are immutable and thread-safe. The invocation travels as an argument, never in a
 * thread-local or a static.
 */
public final class Invocation {

    /** Function name used by {@link Builder} when none is set: {@value}. */
    public static final String DEFAULT_FUNCTION_NAME = "local";

    /** The client context's {@code custom} key that carries a caller's correlation id: {@value}. */
    public static final String CORRELATION_ID = "correlationId";

    /** Time limit used by {@link Builder} when no deadline is set: 15 minutes, the Lambda maximum. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    private final String requestId;
    private final String functionName;
    private final Instant deadline;
    private final Clock clock;
    private final Context lambdaContext;
    private final String correlationId;

    private Invocation(String requestId, String functionName, Instant deadline, Clock clock, Context lambdaContext,
                       String correlationId) {
        this.correlationId = correlationId;
        this.requestId = requestId;
        this.functionName = functionName;
        this.deadline = deadline;
        this.clock = clock;
        this.lambdaContext = lambdaContext;
    }

    /**
     * An invocation from a Lambda context: the deadline is now plus the context's remaining time.
     *
     * @param context the Lambda context
     * @param clock   the clock to measure remaining time with
     * @return the invocation, keeping the context (see {@link #lambdaContext()})
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the context has no request id or function name
     */
    public static Invocation fromContext(Context context, Clock clock) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(clock, "clock");
        String requestId = context.getAwsRequestId();
        String functionName = context.getFunctionName();
        if (requestId == null || requestId.isEmpty()) {
            throw new IllegalArgumentException("Lambda context has no aws request id");
        }
        if (functionName == null || functionName.isEmpty()) {
            throw new IllegalArgumentException("Lambda context has no function name");
        }
        Instant deadline = clock.instant().plusMillis(Math.max(0, context.getRemainingTimeInMillis()));
        String correlationId = context.getClientContext() == null || context.getClientContext().getCustom() == null ? null
                : context.getClientContext().getCustom().get(CORRELATION_ID);
        return new Invocation(requestId, functionName, deadline, clock, context,
                correlationId == null || correlationId.isEmpty() ? null : correlationId);
    }

    /**
     * An invocation from a Lambda context, measured with the system UTC clock.
     *
     * @param context the Lambda context
     * @return the invocation
     * @see #fromContext(Context, Clock)
     */
    public static Invocation fromContext(Context context) {
        return fromContext(context, Clock.systemUTC());
    }

    /**
     * A builder for invocations in tests and local runs.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the request id (Lambda's {@code awsRequestId}); never {@code null} */
    public String requestId() {
        return requestId;
    }

    /** @return the name of the function being invoked; never {@code null} */
    public String functionName() {
        return functionName;
    }

    /**
     * @return the id that ties this invocation to the one that caused it: the caller's request id,
     *         sent by {@code LambdaInvoker} in the client context ({@code custom.correlationId}) of a
     *         synchronous invoke, or set by an in-process caller; empty when there is none
     */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** @return the instant by which the invocation must have ended */
    public Instant deadline() {
        return deadline;
    }

    /** @return the clock the invocation measures time with */
    public Clock clock() {
        return clock;
    }

    /**
     * The time left before the deadline, never negative.
     *
     * @return the remaining time, {@link Duration#ZERO} once the deadline has passed
     */
    public Duration remainingTime() {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * @return the Lambda context this invocation was built from, if it was
     */
    public Optional<Context> lambdaContext() {
        return Optional.ofNullable(lambdaContext);
    }

    /**
     * A builder initialised from this invocation (without its Lambda context).
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().requestId(requestId).functionName(functionName).deadline(deadline).clock(clock);
        b.correlationId = correlationId;
        return b;
    }

    @Override
    public String toString() {
        return "Invocation{requestId=" + requestId + ", functionName=" + functionName + ", deadline=" + deadline
                + (correlationId == null ? "" : ", correlationId=" + correlationId) + '}';
    }

    /**
     * Builds an {@link Invocation}. Defaults: a random request id, function name
     * {@value #DEFAULT_FUNCTION_NAME}, the system UTC clock, and a deadline
     * {@link #DEFAULT_TIMEOUT} after {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private String requestId;
        private String functionName = DEFAULT_FUNCTION_NAME;
        private Instant deadline;
        private Duration timeout;
        private Clock clock = Clock.systemUTC();
        private String correlationId;

        private Builder() {
        }

        /**
         * @param requestId the request id; not empty
         * @return this builder
         */
        public Builder requestId(String requestId) {
            Objects.requireNonNull(requestId, "requestId");
            if (requestId.isEmpty()) {
                throw new IllegalArgumentException("requestId must not be empty");
            }
            this.requestId = requestId;
            return this;
        }

        /**
         * @param functionName the function name; not empty
         * @return this builder
         */
        public Builder functionName(String functionName) {
            Objects.requireNonNull(functionName, "functionName");
            if (functionName.isEmpty()) {
                throw new IllegalArgumentException("functionName must not be empty");
            }
            this.functionName = functionName;
            return this;
        }

        /**
         * Sets an absolute deadline. Conflicts with {@link #timeout(Duration)}.
         *
         * @param deadline the deadline
         * @return this builder
         */
        public Builder deadline(Instant deadline) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /**
         * Sets the deadline as a time limit counted from {@link #build()}. Conflicts with
         * {@link #deadline(Instant)}.
         *
         * @param timeout the time limit; not negative
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param clock the clock to measure remaining time with
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param correlationId the id of the invocation that caused this one (e.g. its caller's request id)
         * @return this builder
         */
        public Builder correlationId(String correlationId) {
            Objects.requireNonNull(correlationId, "correlationId");
            if (correlationId.isEmpty()) {
                throw new IllegalArgumentException("correlationId must not be empty");
            }
            this.correlationId = correlationId;
            return this;
        }

        /**
         * @return the invocation
         * @throws IllegalStateException if both a deadline and a timeout were set
         */
        public Invocation build() {
            if (deadline != null && timeout != null) {
                throw new IllegalStateException("set either deadline or timeout, not both (deadline=" + deadline
                        + ", timeout=" + timeout + ")");
            }
            Instant end = deadline != null ? deadline
                    : clock.instant().plus(timeout != null ? timeout : DEFAULT_TIMEOUT);
            String id = requestId != null ? requestId : UUID.randomUUID().toString();
            return new Invocation(id, functionName, end, clock, null, correlationId);
        }
    }
}
