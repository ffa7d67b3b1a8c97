package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The immutable configuration of a {@link CircuitBreaker}. Build with {@link #builder()} or take
 * {@link #ofDefaults()}; setters validate at once and {@link Builder#build()} checks conflicts.
 *
 * <p>Defaults: open after {@value #DEFAULT_FAILURE_THRESHOLD} consecutive failures; stay OPEN
 * {@link #DEFAULT_WAIT_IN_OPEN} (30 s), doubling ({@value #DEFAULT_BACKOFF_MULTIPLIER}) on every
 * failed probe up to {@link #DEFAULT_MAX_WAIT_IN_OPEN} (5 min), no jitter; in HALF_OPEN admit
 * {@value #DEFAULT_PERMITTED_PROBES} probe at a time across all instances and close after
 * {@value #DEFAULT_SUCCESSES_TO_CLOSE} success; no slow-call detection; every exception counts as
 * a failure; no local read cache; on store trouble fall back to a local in-memory breaker.
 */
public final class CircuitBreakerConfig {

    /** Default consecutive failures that open the circuit: {@value}. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default first wait in OPEN: 30 seconds. */
    public static final Duration DEFAULT_WAIT_IN_OPEN = Duration.ofSeconds(30);
    /** Default growth of the open wait per failed probe: {@value}. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** Default cap of the open wait: 5 minutes. */
    public static final Duration DEFAULT_MAX_WAIT_IN_OPEN = Duration.ofMinutes(5);
    /** Default probes admitted at a time in HALF_OPEN, across all instances: {@value}. */
    public static final int DEFAULT_PERMITTED_PROBES = 1;
    /** Default successful probes that close the circuit: {@value}. */
    public static final int DEFAULT_SUCCESSES_TO_CLOSE = 1;
    /** Default time after which an unfinished probe (its instance died) no longer holds its slot: 60 s. */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(60);
    /** Default pause before the breaker tries an unreachable store again: 5 seconds. */
    public static final Duration DEFAULT_STORE_RETRY_INTERVAL = Duration.ofSeconds(5);

    /** How failures are detected in CLOSED. */
    public enum FailureDetection {
        /** Open after N failures in a row. */
        CONSECUTIVE_FAILURES,
        /** Open when the failure rate over the last N calls reaches a threshold (after a minimum of calls). */
        FAILURE_RATE,
        /**
         * Open when the failure rate over the calls of the last N seconds reaches a threshold (after
         * a minimum of calls); older calls do not count. Kept in one-second buckets.
         */
        FAILURE_RATE_OVER_TIME
    }

    /** What the breaker does when its shared store cannot be reached. */
    public enum StoreFailurePolicy {
        /** Go on with a breaker local to this instance; try the store again later (the default). */
        FALLBACK_TO_LOCAL,
        /** Reject calls with {@link CallNotPermittedException} while the store is unreachable. */
        REJECT,
        /** Throw {@link CircuitBreakerStoreException} to the caller. */
        THROW
    }

    private final FailureDetection failureDetection;
    private final int failureThreshold;
    private final float failureRateThreshold;
    private final int windowSize;
    private final int minimumCalls;
    private final Duration timeWindow;
    private final Duration slowCallDuration;
    private final float slowCallRateThreshold;
    private final Duration waitInOpen;
    private final double backoffMultiplier;
    private final Duration maxWaitInOpen;
    private final double jitter;
    private final int permittedProbes;
    private final int successesToClose;
    private final Duration probeTimeout;
    private final Duration localReadStaleness;
    private final StoreFailurePolicy storeFailurePolicy;
    private final Duration storeRetryInterval;
    private final Predicate<Throwable> recordException;
    private final Predicate<Throwable> ignoreException;
    private final Predicate<Object> recordResult;
    private final CircuitBreakerListener listener;
    private final Clock clock;
    private final Ticker ticker;

    private CircuitBreakerConfig(Builder b) {
        this.failureDetection = b.failureDetection;
        this.failureThreshold = b.failureThreshold;
        this.failureRateThreshold = b.failureRateThreshold;
        this.windowSize = b.windowSize;
        this.minimumCalls = b.minimumCalls;
        this.timeWindow = b.timeWindow;
        this.slowCallDuration = b.slowCallDuration;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
        this.waitInOpen = b.waitInOpen;
        this.backoffMultiplier = b.backoffMultiplier;
        this.maxWaitInOpen = b.maxWaitInOpen;
        this.jitter = b.jitter;
        this.permittedProbes = b.permittedProbes;
        this.successesToClose = b.successesToClose;
        this.probeTimeout = b.probeTimeout;
        this.localReadStaleness = b.localReadStaleness;
        this.storeFailurePolicy = b.storeFailurePolicy;
        this.storeRetryInterval = b.storeRetryInterval;
        this.recordException = b.recordException;
        this.ignoreException = b.ignoreException;
        this.recordResult = b.recordResult;
        this.listener = b.listener;
        this.clock = b.clock;
        this.ticker = b.ticker;
    }

    /** @return the defaults */
    public static CircuitBreakerConfig ofDefaults() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder with this config's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.failureDetection = failureDetection;
        b.failureThreshold = failureThreshold;
        b.failureRateThreshold = failureRateThreshold;
        b.windowSize = windowSize;
        b.minimumCalls = minimumCalls;
        b.timeWindow = timeWindow;
        b.slowCallDuration = slowCallDuration;
        b.slowCallRateThreshold = slowCallRateThreshold;
        b.waitInOpen = waitInOpen;
        b.backoffMultiplier = backoffMultiplier;
        b.maxWaitInOpen = maxWaitInOpen;
        b.jitter = jitter;
        b.permittedProbes = permittedProbes;
        b.successesToClose = successesToClose;
        b.probeTimeout = probeTimeout;
        b.localReadStaleness = localReadStaleness;
        b.storeFailurePolicy = storeFailurePolicy;
        b.storeRetryInterval = storeRetryInterval;
        b.recordException = recordException;
        b.ignoreException = ignoreException;
        b.recordResult = recordResult;
        b.listener = listener;
        b.clock = clock;
        b.ticker = ticker;
        return b;
    }

    /** @return how failures are detected; default consecutive failures */
    public FailureDetection failureDetection() {
        return failureDetection;
    }

    /** @return consecutive failures that open the circuit; default {@value #DEFAULT_FAILURE_THRESHOLD} */
    public int failureThreshold() {
        return failureThreshold;
    }

    /** @return failure rate in percent that opens the circuit (rate mode) */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    /** @return the sliding window size in calls (rate mode) */
    public int windowSize() {
        return windowSize;
    }

    /** @return calls needed in the window before the rate counts (rate mode) */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** @return the time window of {@link FailureDetection#FAILURE_RATE_OVER_TIME}; {@code null} otherwise */
    public Duration timeWindow() {
        return timeWindow;
    }

    /**
     * @return the slow-call rate (percent) that opens the circuit, or -1 when slow calls count as
     *         failures instead (the default with {@link Builder#slowCallDuration})
     */
    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    /** @return a call slower than this is slow; {@code null} when calls are not timed */
    public Duration slowCallDuration() {
        return slowCallDuration;
    }

    /** @return the first wait in OPEN; default 30 s */
    public Duration waitInOpen() {
        return waitInOpen;
    }

    /** @return growth of the open wait per failed probe; default 2.0 */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** @return the cap of the open wait; default 5 min */
    public Duration maxWaitInOpen() {
        return maxWaitInOpen;
    }

    /** @return the jitter fraction (0 to 1) applied to each open wait; default 0 */
    public double jitter() {
        return jitter;
    }

    /** @return probes at a time in HALF_OPEN; default 1 */
    public int permittedProbes() {
        return permittedProbes;
    }

    /** @return successful probes that close the circuit; default 1 */
    public int successesToClose() {
        return successesToClose;
    }

    /** @return how long an unfinished probe holds its slot; default 60 s */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    /** @return how long a CLOSED state read from the store is trusted without a round trip; default zero (off) */
    public Duration localReadStaleness() {
        return localReadStaleness;
    }

    /** @return what happens when the store is unreachable; default {@link StoreFailurePolicy#FALLBACK_TO_LOCAL} */
    public StoreFailurePolicy storeFailurePolicy() {
        return storeFailurePolicy;
    }

    /** @return pause before trying an unreachable store again; default 5 s */
    public Duration storeRetryInterval() {
        return storeRetryInterval;
    }

    /** @return which exceptions count as failures; default all */
    public Predicate<Throwable> recordException() {
        return recordException;
    }

    /** @return which exceptions are ignored (neither success nor failure); default none */
    public Predicate<Throwable> ignoreException() {
        return ignoreException;
    }

    /** @return which results count as failures; default none */
    public Predicate<Object> recordResult() {
        return recordResult;
    }

    /** @return the listener; default a no-op */
    public CircuitBreakerListener listener() {
        return listener;
    }

    /** @return the clock of the shared state (open times, the time window); default the system UTC clock */
    public Clock clock() {
        return clock;
    }

    /** @return what call durations are measured with; default {@link Ticker#system()} */
    public Ticker ticker() {
        return ticker;
    }

    /** Builder of {@link CircuitBreakerConfig}. Not thread-safe. */
    public static final class Builder {
        private FailureDetection failureDetection = FailureDetection.CONSECUTIVE_FAILURES;
        private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private float failureRateThreshold = 50f;
        private int windowSize = 100;
        private int minimumCalls = 100;
        private Duration slowCallDuration;
        private Duration waitInOpen = DEFAULT_WAIT_IN_OPEN;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private Duration maxWaitInOpen = DEFAULT_MAX_WAIT_IN_OPEN;
        private double jitter;
        private int permittedProbes = DEFAULT_PERMITTED_PROBES;
        private int successesToClose = DEFAULT_SUCCESSES_TO_CLOSE;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private Duration localReadStaleness = Duration.ZERO;
        private StoreFailurePolicy storeFailurePolicy = StoreFailurePolicy.FALLBACK_TO_LOCAL;
        private Duration storeRetryInterval = DEFAULT_STORE_RETRY_INTERVAL;
        private Predicate<Throwable> recordException = e -> true;
        private Predicate<Throwable> ignoreException = e -> false;
        private Predicate<Object> recordResult = r -> false;
        private CircuitBreakerListener listener = CircuitBreakerListener.NO_OP;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private Duration timeWindow;
        private float slowCallRateThreshold = -1;

        private Builder() {
        }

        private static Duration positive(Duration d, String name) {
            return Checks.positive(d, name);
        }

        /**
         * Opens the circuit after {@code threshold} failures in a row.
         *
         * @param threshold at least 1
         * @return this builder
         */
        public Builder consecutiveFailures(int threshold) {
            if (threshold < 1) {
                throw new IllegalArgumentException("failure threshold must be at least 1: " + threshold);
            }
            this.failureDetection = FailureDetection.CONSECUTIVE_FAILURES;
            this.failureThreshold = threshold;
            return this;
        }

        /**
         * Opens the circuit when, over the last {@code windowSize} calls (and at least
         * {@code minimumCalls} of them), failures reach {@code thresholdPercent}.
         *
         * @param thresholdPercent above 0, at most 100
         * @param windowSize       1 to 1000 calls
         * @param minimumCalls     1 to {@code windowSize}
         * @return this builder
         */
        public Builder failureRate(float thresholdPercent, int windowSize, int minimumCalls) {
            if (!(thresholdPercent > 0 && thresholdPercent <= 100)) {
                throw new IllegalArgumentException("failure rate threshold must be in (0, 100]: " + thresholdPercent);
            }
            if (windowSize < 1 || windowSize > 1000) {
                throw new IllegalArgumentException("window size must be 1 to 1000 calls: " + windowSize);
            }
            if (minimumCalls < 1 || minimumCalls > windowSize) {
                throw new IllegalArgumentException("minimum calls must be 1 to the window size " + windowSize + ": " + minimumCalls);
            }
            this.failureDetection = FailureDetection.FAILURE_RATE;
            this.failureRateThreshold = thresholdPercent;
            this.windowSize = windowSize;
            this.minimumCalls = minimumCalls;
            return this;
        }

        /**
         * Opens the circuit when, over the calls of the last {@code window} (and at least
         * {@code minimumCalls} of them), failures reach {@code thresholdPercent}. Calls older than
         * the window do not count, however few calls came since.
         *
         * @param thresholdPercent above 0, at most 100
         * @param window           1 second to 1 hour, in whole seconds
         * @param minimumCalls     at least 1
         * @return this builder
         */
        public Builder failureRateOverTime(float thresholdPercent, Duration window, int minimumCalls) {
            if (!(thresholdPercent > 0 && thresholdPercent <= 100)) {
                throw new IllegalArgumentException("failure rate threshold must be in (0, 100]: " + thresholdPercent);
            }
            Objects.requireNonNull(window, "window");
            if (window.getSeconds() < 1 || window.getSeconds() > 3600 || window.getNano() != 0) {
                throw new IllegalArgumentException("time window must be 1 to 3600 whole seconds: " + window);
            }
            if (minimumCalls < 1) {
                throw new IllegalArgumentException("minimum calls must be at least 1: " + minimumCalls);
            }
            this.failureDetection = FailureDetection.FAILURE_RATE_OVER_TIME;
            this.failureRateThreshold = thresholdPercent;
            this.timeWindow = window;
            this.minimumCalls = minimumCalls;
            return this;
        }

        /**
         * @param slowCallDuration a call that takes longer counts as a failure (even if it
         *                         succeeded); see {@link #slowCallRate} to count slow calls apart
         * @return this builder
         */
        public Builder slowCallDuration(Duration slowCallDuration) {
            this.slowCallDuration = positive(slowCallDuration, "slowCallDuration");
            this.slowCallRateThreshold = -1;
            return this;
        }

        /**
         * Counts slow calls apart from failures, as Resilience4j does: a call longer than
         * {@code slowCallDuration} is slow (a slow success is still a success, a slow failure a
         * failure), and the circuit opens when slow calls reach {@code thresholdPercent} of the
         * window, whatever the failure rate. Needs a window: {@link #failureRate} or
         * {@link #failureRateOverTime}. A slow probe in HALF_OPEN counts as a failed probe.
         *
         * @param thresholdPercent above 0, at most 100
         * @param slowCallDuration positive
         * @return this builder
         */
        public Builder slowCallRate(float thresholdPercent, Duration slowCallDuration) {
            if (!(thresholdPercent > 0 && thresholdPercent <= 100)) {
                throw new IllegalArgumentException("slow call rate threshold must be in (0, 100]: " + thresholdPercent);
            }
            this.slowCallDuration = positive(slowCallDuration, "slowCallDuration");
            this.slowCallRateThreshold = thresholdPercent;
            return this;
        }

        /**
         * @param waitInOpen the first wait in OPEN before a probe
         * @return this builder
         */
        public Builder waitInOpen(Duration waitInOpen) {
            this.waitInOpen = positive(waitInOpen, "waitInOpen");
            return this;
        }

        /**
         * @param multiplier growth of the wait per failed probe, at least 1 (1 = no growth)
         * @param maxWait    the cap of the wait
         * @return this builder
         */
        public Builder backoff(double multiplier, Duration maxWait) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be at least 1: " + multiplier);
            }
            this.backoffMultiplier = multiplier;
            this.maxWaitInOpen = positive(maxWait, "maxWait");
            return this;
        }

        /**
         * @param jitter fraction from 0 to 1: each open wait is scaled by a random factor in
         *               {@code [1 - jitter, 1 + jitter]}, chosen once and shared through the store
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException("jitter must be from 0 to 1: " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * @param permittedProbes probes admitted at a time in HALF_OPEN, across all instances (at least 1)
         * @param successesToClose successful probes that close the circuit (at least 1)
         * @return this builder
         */
        public Builder halfOpen(int permittedProbes, int successesToClose) {
            if (permittedProbes < 1) {
                throw new IllegalArgumentException("permitted probes must be at least 1: " + permittedProbes);
            }
            if (successesToClose < 1) {
                throw new IllegalArgumentException("successes to close must be at least 1: " + successesToClose);
            }
            this.permittedProbes = permittedProbes;
            this.successesToClose = successesToClose;
            return this;
        }

        /**
         * @param probeTimeout how long an unfinished probe holds its slot (its instance may have died)
         * @return this builder
         */
        public Builder probeTimeout(Duration probeTimeout) {
            this.probeTimeout = positive(probeTimeout, "probeTimeout");
            return this;
        }

        /**
         * Turns on the local read cache: a CLOSED state is trusted for this long without a round
         * trip, and successes are counted locally and written in one batch when it runs out.
         * Failures (which may open the circuit) are always written at once. Must be shorter than
         * the wait in OPEN, so that a stale view never bypasses the HALF_OPEN probe limit.
         *
         * @param staleness zero (off, the default) or positive
         * @return this builder
         */
        public Builder localReadStaleness(Duration staleness) {
            Objects.requireNonNull(staleness, "staleness");
            if (staleness.isNegative()) {
                throw new IllegalArgumentException("staleness must not be negative: " + staleness);
            }
            this.localReadStaleness = staleness;
            return this;
        }

        /**
         * @param policy         what to do while the store is unreachable
         * @param retryInterval  pause before the store is tried again
         * @return this builder
         */
        public Builder onStoreFailure(StoreFailurePolicy policy, Duration retryInterval) {
            this.storeFailurePolicy = Objects.requireNonNull(policy, "policy");
            this.storeRetryInterval = positive(retryInterval, "retryInterval");
            return this;
        }

        /**
         * @param predicate which exceptions count as failures (others count as successes)
         * @return this builder
         */
        public Builder recordException(Predicate<Throwable> predicate) {
            this.recordException = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * @param predicate which exceptions are ignored: neither success nor failure
         * @return this builder
         */
        public Builder ignoreException(Predicate<Throwable> predicate) {
            this.ignoreException = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * @param predicate which results count as failures (e.g. an HTTP 503 response object)
         * @return this builder
         */
        public Builder recordResult(Predicate<Object> predicate) {
            this.recordResult = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * @param listener notified of transitions and rejections; its exceptions are logged, never thrown
         * @return this builder
         */
        public Builder listener(CircuitBreakerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param clock the clock of the state every instance shares: when a circuit opened, when it
         *              may be probed, the time window's buckets (wall-clock times, since instances
         *              compare them); default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param ticker what each call's duration is measured with (slow calls, the listener's
         *               {@code elapsed}): a monotonic source, so a wall-clock step never makes a
         *               call slow or negative; default {@link Ticker#system()}, a test gives the
         *               kit's {@code ManualTicker}
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @return the config
         * @throws IllegalStateException if the local read staleness is not shorter than the wait in
         *                               OPEN, or the wait in OPEN exceeds its cap
         */
        public CircuitBreakerConfig build() {
            if (slowCallRateThreshold > 0 && failureDetection == FailureDetection.CONSECUTIVE_FAILURES) {
                throw new IllegalStateException("slowCallRate(...) needs a window of calls to take a rate over: "
                        + "use failureRate(...) or failureRateOverTime(...) too");
            }
            if (localReadStaleness.compareTo(waitInOpen) >= 0) {
                throw new IllegalStateException("localReadStaleness (" + localReadStaleness + ") must be shorter than waitInOpen ("
                        + waitInOpen + "), or a stale view could bypass the HALF_OPEN probe limit");
            }
            if (waitInOpen.compareTo(maxWaitInOpen) > 0) {
                throw new IllegalStateException("waitInOpen (" + waitInOpen + ") exceeds maxWaitInOpen (" + maxWaitInOpen + ")");
            }
            return new CircuitBreakerConfig(this);
        }
    }
}
