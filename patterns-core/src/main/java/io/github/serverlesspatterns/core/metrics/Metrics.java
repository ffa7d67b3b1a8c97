package io.github.serverlesspatterns.core.metrics;

/**
 * Where the patterns report what they do: counts and durations, each under two bounded
 * dimensions, the pattern ({@code idempotency}, {@code breaker}, ...) and the configured name (an
 * idempotency config's, a circuit's). No key, payload or other request value is ever a dimension
 * or a metric name. The default, {@link #none()}, does nothing and costs a call to an empty method.
 * Implementations must be thread-safe (Lambda Managed Instances run many invocations at once) and
 * fast: they are called on the calling thread.
 */
public interface Metrics {

    /**
     * Adds to a count.
     *
     * @param pattern the pattern (a fixed word of the library)
     * @param name    the configured name
     * @param metric  the metric (a fixed word of the library, e.g. {@code Replays})
     * @param delta   how much
     */
    void count(String pattern, String name, String metric, long delta);

    /**
     * Records a duration.
     *
     * @param pattern the pattern
     * @param name    the configured name
     * @param metric  the metric (e.g. {@code StoreLatency})
     * @param nanos   the duration in nanoseconds
     */
    void time(String pattern, String name, String metric, long nanos);

    /**
     * Records a size in bytes, e.g. a request payload's (CloudWatch unit {@code Bytes}). The
     * default reports it as a count; the library's implementations keep each size as a sample, so
     * its statistics (maximum, percentiles) show how close payloads come to a limit.
     *
     * @param pattern the pattern
     * @param name    the configured name
     * @param metric  the metric (e.g. {@code PayloadBytes})
     * @param bytes   the size
     */
    default void bytes(String pattern, String name, String metric, long bytes) {
        count(pattern, name, metric, bytes);
    }

    /**
     * Sets a level (a gauge), e.g. a circuit's state.
     *
     * @param pattern the pattern
     * @param name    the configured name
     * @param metric  the metric
     * @param value   the level
     */
    void level(String pattern, String name, String metric, double value);

    /**
     * A count bound once to its (pattern, name, metric), for a hot path: resolve it when the
     * decorator is built, then each {@link BoundCounter#add} skips the lookup by name. The default
     * delegates to {@link #count}; the library's implementations return a handle onto the
     * accumulated value itself.
     *
     * @param pattern the pattern
     * @param name    the configured name
     * @param metric  the metric
     * @return the counter
     */
    default BoundCounter counter(String pattern, String name, String metric) {
        return delta -> count(pattern, name, metric, delta);
    }

    /**
     * A duration bound once to its (pattern, name, metric); see {@link #counter}.
     *
     * @param pattern the pattern
     * @param name    the configured name
     * @param metric  the metric
     * @return the timer
     */
    default BoundTimer timer(String pattern, String name, String metric) {
        return nanos -> time(pattern, name, metric, nanos);
    }

    /** A count resolved once by {@link #counter}. Thread-safe. */
    @FunctionalInterface
    interface BoundCounter {
        /** @param delta how much to add */
        void add(long delta);
    }

    /** A duration resolved once by {@link #timer}. Thread-safe. */
    @FunctionalInterface
    interface BoundTimer {
        /** @param nanos the duration in nanoseconds */
        void record(long nanos);
    }

    /** @return metrics that do nothing (the default everywhere) */
    static Metrics none() {
        return NoMetrics.INSTANCE;
    }
}
