package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.PatternsException;

import java.time.Instant;
import java.util.Optional;

/**
 * A call was rejected because the circuit is OPEN, HALF_OPEN with every probe slot taken, or
 * FORCED_OPEN (or its store is unreachable under the REJECT policy). The message names the
 * circuit, its state and when it will next let a probe through.
 */
public class CallNotPermittedException extends PatternsException implements io.github.serverlesspatterns.core.http.HttpProblem {

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

    /** The HTTP status this problem is answered with: {@value}. */
    public static final int HTTP_STATUS = 503;

    /** @return {@value #HTTP_STATUS} */
    @Override
    public int httpStatus() {
        return HTTP_STATUS;
    }

    @Override
    public String problemName() {
        return "circuit-open";
    }

    @Override
    public String problemTitle() {
        return "A service this request needs is unavailable; retry later";
    }

    @Override
    public java.util.Optional<java.time.Instant> retryAt() {
        return nextProbeAt();
    }
}
