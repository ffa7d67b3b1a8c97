package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.metrics.Metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A breaker's events as metrics, under pattern {@code breaker} and the circuit's name: counts
 * {@code Successes}, {@code Failures}, {@code IgnoredErrors}, {@code Rejections},
 * {@code StoreErrors}, {@code TransitionsToOpen}, {@code TransitionsToHalfOpen},
 * {@code TransitionsToClosed}, {@code TransitionsToForcedOpen}, {@code TransitionsToDisabled}, {@code TransitionsToMetricsOnly}, {@code Resets},
 * {@code ProbeSuccesses} and {@code ProbeFailures} (HALF_OPEN probes this instance made); the duration {@code CallDuration} of each call that
 * ran; the level {@code State} (0 closed, disabled or metrics-only: calls pass; 1 half-open; 2 open or forced open) on each transition this instance
 * made. Give it to the breaker's config:
 * {@code CircuitBreakerConfig.builder().listener(CircuitBreakerMetricsListener.of(metrics))}.
 * With a shared store, each instance reports the transitions it made. Thread-safe.
 */
public final class CircuitBreakerMetricsListener implements CircuitBreakerListener {

    /** The metrics' pattern dimension: {@value}. */
    public static final String PATTERN = "breaker";

    private final Metrics metrics;
    /** circuit name -> the per-call metrics, resolved once per circuit. */
    private final Map<String, PerCall> perCall = new ConcurrentHashMap<>();

    private record PerCall(Metrics.BoundCounter successes, Metrics.BoundCounter failures, Metrics.BoundTimer duration) {
    }

    private PerCall perCall(String name) {
        PerCall found = perCall.get(name);
        return found != null ? found : perCall.computeIfAbsent(name, n -> new PerCall(metrics.counter(PATTERN, n, "Successes"),
                metrics.counter(PATTERN, n, "Failures"), metrics.timer(PATTERN, n, "CallDuration")));
    }

    private CircuitBreakerMetricsListener(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param metrics where to report
     * @return the listener
     */
    public static CircuitBreakerMetricsListener of(Metrics metrics) {
        return new CircuitBreakerMetricsListener(Objects.requireNonNull(metrics, "metrics"));
    }

    @Override
    public void onStateTransition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
        String metric = switch (to) {
            case OPEN -> "TransitionsToOpen";
            case HALF_OPEN -> "TransitionsToHalfOpen";
            case CLOSED -> "TransitionsToClosed";
            case FORCED_OPEN -> "TransitionsToForcedOpen";
            case DISABLED -> "TransitionsToDisabled";
            case METRICS_ONLY -> "TransitionsToMetricsOnly";
        };
        metrics.count(PATTERN, name, metric, 1);
        metrics.level(PATTERN, name, "State", level(to));
    }

    /** 0 when calls pass, 1 half-open, 2 when calls are rejected. */
    static int level(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
        };
    }

    @Override
    public void onCallRejected(String name, CircuitBreaker.State state, Instant nextProbeAt) {
        metrics.count(PATTERN, name, "Rejections", 1);
    }

    @Override
    public void onProbeOutcome(String name, boolean succeeded, Duration elapsed) {
        metrics.count(PATTERN, name, succeeded ? "ProbeSuccesses" : "ProbeFailures", 1);
    }

    @Override
    public void onStoreError(String name, RuntimeException error) {
        metrics.count(PATTERN, name, "StoreErrors", 1);
    }

    @Override
    public void onSuccess(String name, Duration elapsed) {
        PerCall m = perCall(name);
        m.successes().add(1);
        m.duration().record(elapsed.toNanos());
    }

    @Override
    public void onError(String name, Duration elapsed, Throwable error) {
        PerCall m = perCall(name);
        m.failures().add(1);
        m.duration().record(elapsed.toNanos());
    }

    @Override
    public void onIgnoredError(String name, Duration elapsed, Throwable error) {
        metrics.count(PATTERN, name, "IgnoredErrors", 1);
    }

    @Override
    public void onReset(String name) {
        metrics.count(PATTERN, name, "Resets", 1);
    }
}
