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
     * Sets a level (a gauge), e.g. a circuit's state.
     *
     * @param pattern the pattern
     * @param name    the configured name
     * @param metric  the metric
     * @param value   the level
     */
    void level(String pattern, String name, String metric, double value);

    /** @return metrics that do nothing (the default everywhere) */
    static Metrics none() {
        return NoMetrics.INSTANCE;
    }
}
