package io.github.serverlesspatterns.circuitbreaker;

/**
 * A snapshot of one breaker instance's counters (this JVM's calls) and its latest view of the
 * shared state. Immutable.
 *
 * @param state             the state last seen in the store
 * @param failureRate       the shared window's failure rate in percent, -1 when empty
 * @param permittedCalls    calls let through by this instance (probes included)
 * @param rejectedCalls     calls rejected by this instance
 * @param successfulCalls   calls that counted as successes
 * @param failedCalls       calls that counted as failures (slow calls included)
 * @param slowCalls         calls slower than the slow-call duration
 * @param storeRoundTrips   calls this instance made to the shared store
 * @param storeErrors       store calls that failed
 */
public record CircuitBreakerMetrics(CircuitState.State state, float failureRate, long permittedCalls, long rejectedCalls,
                                    long successfulCalls, long failedCalls, long slowCalls, long storeRoundTrips,
                                    long storeErrors) {
}
