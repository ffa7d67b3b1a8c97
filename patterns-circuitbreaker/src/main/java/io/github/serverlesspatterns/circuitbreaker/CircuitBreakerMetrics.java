package io.github.serverlesspatterns.circuitbreaker;

/**
 * A snapshot of one breaker instance: its latest view of the shared window, and its own
 * lifetime counters. Immutable; taking it makes no store call.
 *
 * <p><b>Window values</b> ({@code failureRate}, {@code slowCallRate}, {@code bufferedCalls}) come
 * from the shared state as this instance last saw it, so they cover the calls of every instance.
 * A rate is {@code -1} ("not enough calls") while the window holds fewer calls than the
 * configured minimum (rate modes), or is empty; {@link CircuitBreaker#reset()} empties the window.
 * In consecutive-failures mode there is no window: both rates are -1.
 *
 * <p><b>Lifetime values</b> (every other count) are this instance's calls since it was built;
 * {@code reset()} does not zero them. Sum them across instances for the fleet.
 *
 * @param state           the state last seen in the store
 * @param failureRate     the window's failure rate in percent, or -1 (see above)
 * @param slowCallRate    the window's slow-call rate in percent, or -1 (see above)
 * @param bufferedCalls   calls in the window
 * @param permittedCalls  calls let through by this instance (probes included)
 * @param rejectedCalls   calls rejected by this instance
 * @param successfulCalls calls that counted as successes
 * @param failedCalls     calls that counted as failures (slow calls included when they count as failures)
 * @param ignoredCalls    calls whose exception {@code ignoreException} matched
 * @param slowCalls       calls slower than the slow-call duration
 * @param storeRoundTrips calls this instance made to the shared store
 * @param storeErrors     store calls that failed
 */
public record CircuitBreakerMetrics(CircuitBreaker.State state, float failureRate, float slowCallRate, int bufferedCalls,
                                    long permittedCalls, long rejectedCalls, long successfulCalls, long failedCalls,
                                    long ignoredCalls, long slowCalls, long storeRoundTrips, long storeErrors) {
}
