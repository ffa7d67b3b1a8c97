package io.github.serverlesspatterns.circuitbreaker;


import java.time.Instant;
import java.util.Optional;

/**
 * A call was rejected because the circuit is OPEN, HALF_OPEN with every probe slot taken, or
 * FORCED_OPEN (or its store is unreachable under the REJECT policy). The message names the
 * circuit, its state and when it will next let a probe through.
 */
public class CallNotPermittedException extends CircuitBreakerException implements io.github.serverlesspatterns.core.http.HttpProblem {

    private static final long serialVersionUID = 1L;

    private final String circuit;
    private final CircuitState.State state;
    private final transient Instant nextProbeAt;

    /**
     * @param circuit     the circuit name
     * @param state       the state that rejected the call
     * @param nextProbeAt when a probe may next go through, or {@code null}
     * @param message     the message
     */
    public CallNotPermittedException(String circuit, CircuitState.State state, Instant nextProbeAt, String message) {
        super(message);
        this.circuit = circuit;
        this.state = state;
        this.nextProbeAt = nextProbeAt;
    }

    /** @return the circuit name */
    public String circuit() {
        return circuit;
    }

    /** @return the state that rejected the call */
    public CircuitState.State state() {
        return state;
    }

    /** @return when the next probe may go through, if known */
    public Optional<Instant> nextProbeAt() {
        return Optional.ofNullable(nextProbeAt);
    }

    /** How API Gateway front doors answer it: 503, problem {@code circuit-open}. */
    public static final io.github.serverlesspatterns.core.http.ProblemType PROBLEM = new io.github.serverlesspatterns.core.http.ProblemType(503, "circuit-open", "A service this request needs is unavailable; retry later");
    
    @Override
    public io.github.serverlesspatterns.core.http.ProblemType problemType() {
        return PROBLEM;
    }

    @Override
    public java.util.Optional<java.time.Instant> retryAt() {
        return nextProbeAt();
    }
}
