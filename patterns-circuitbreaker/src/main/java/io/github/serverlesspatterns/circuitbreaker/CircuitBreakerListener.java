package io.github.serverlesspatterns.circuitbreaker;

import java.time.Duration;
import java.time.Instant;

/**
 * Hears a breaker's events: every call's outcome, rejections, state transitions, thresholds
 * reached, resets and store errors (the events Resilience4j publishes). Default methods do
 * nothing; an exception thrown by a listener is logged and never breaks a call. Called on the
 * calling thread, so keep it fast. With no listener set, calls are not timed unless a slow-call
 * duration is configured.
 *
 * <p>Transitions and thresholds are heard by the instance that made them: with a shared store,
 * one instance hears each transition, not all of them.
 */
public interface CircuitBreakerListener {

    /** A listener that does nothing. */
    CircuitBreakerListener NO_OP = new CircuitBreakerListener() {
    };

    /**
     * This instance moved the shared circuit from one state to another.
     *
     * @param name the circuit
     * @param from the old state
     * @param to   the new state
     */
    default void onStateTransition(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
    }

    /**
     * A call was not permitted.
     *
     * @param name        the circuit
     * @param state       the state that rejected it
     * @param nextProbeAt when the next probe may go through ({@code null} if unknown)
     */
    default void onCallRejected(String name, CircuitBreaker.State state, Instant nextProbeAt) {
    }

    /**
     * A HALF_OPEN probe this instance made ended (after its {@code onSuccess}, {@code onError} or
     * {@code onIgnoredError}): whether it counted as a success, which with the other probes decides
     * whether the circuit closes or opens again.
     *
     * @param name      the circuit
     * @param succeeded whether the probe counted as a success (an ignored error counts as neither: not reported here)
     * @param elapsed   how long it took
     */
    default void onProbeOutcome(String name, boolean succeeded, Duration elapsed) {
    }

    /**
     * The shared store failed; the configured store-failure policy applies.
     *
     * @param name  the circuit
     * @param error the store's exception
     */
    default void onStoreError(String name, RuntimeException error) {
    }

    /**
     * A permitted call succeeded (a slow success included, when slow calls have a rate of their own).
     *
     * @param name    the circuit
     * @param elapsed how long it took
     */
    default void onSuccess(String name, Duration elapsed) {
    }

    /**
     * A permitted call counted as a failure: it threw what {@code recordException} matches, its
     * result matched {@code recordResult}, or it was slow where slow calls count as failures.
     *
     * @param name    the circuit
     * @param elapsed how long it took
     * @param error   what it threw, or {@code null} for a failing result or a slow call
     */
    default void onError(String name, Duration elapsed, Throwable error) {
    }

    /**
     * A permitted call threw what {@code ignoreException} matches: counted neither way.
     *
     * @param name    the circuit
     * @param elapsed how long it took
     * @param error   what it threw
     */
    default void onIgnoredError(String name, Duration elapsed, Throwable error) {
    }

    /**
     * The failure rate reached the threshold: the circuit opened (or, in METRICS_ONLY, would have).
     *
     * @param name        the circuit
     * @param failureRate the rate in percent
     */
    default void onFailureRateExceeded(String name, float failureRate) {
    }

    /**
     * The slow-call rate reached its threshold: the circuit opened (or, in METRICS_ONLY, would have).
     *
     * @param name         the circuit
     * @param slowCallRate the rate in percent
     */
    default void onSlowCallRateExceeded(String name, float slowCallRate) {
    }

    /**
     * {@link CircuitBreaker#reset()} was called on this instance.
     *
     * @param name the circuit
     */
    default void onReset(String name) {
    }
}
