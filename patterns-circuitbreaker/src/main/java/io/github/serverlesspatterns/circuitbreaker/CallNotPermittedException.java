package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.http.HttpProblem;
import io.github.serverlesspatterns.core.http.ProblemType;

import java.time.Instant;
import java.util.Optional;

/**
 * A call was rejected because the circuit is OPEN, HALF_OPEN with every probe slot taken, or
 * FORCED_OPEN (or its store is unreachable under the REJECT policy). The message names the
 * circuit, its state and when it will next let a probe through.
 */
public class CallNotPermittedException extends CircuitBreakerException implements HttpProblem {

    private static final long serialVersionUID = 1L;

    private final String circuit;
    private final CircuitBreaker.State state;
    private final transient Instant nextProbeAt;

    /**
     * @param circuit     the circuit name
     * @param state       the state that rejected the call
     * @param nextProbeAt when a probe may next go through, or {@code null}
     * @param message     the message
     */
    public CallNotPermittedException(String circuit, CircuitBreaker.State state, Instant nextProbeAt, String message) {
        super(message);
        this.circuit = circuit;
        this.state = state;
        this.nextProbeAt = nextProbeAt;
    }

    /**
     * The one place rejection messages are written: circuit, state, when the next probe may pass
     * (or why none may), and why the circuit opened.
     *
     * @param circuit         the circuit name
     * @param s               the state that rejected the call
     * @param permittedProbes the probes a HALF_OPEN circuit admits at once
     * @return the rejection
     */
    static CallNotPermittedException rejected(String circuit, CircuitState s, int permittedProbes) {
        Instant nextProbe = s.state() == CircuitBreaker.State.OPEN ? Instant.ofEpochMilli(s.openUntilMillis()) : null;
        String when = switch (s.state()) {
            case OPEN -> "; next probe at " + nextProbe;
            case HALF_OPEN -> "; all " + permittedProbes + " probe slots are taken";
            case FORCED_OPEN -> "; forced open by hand until reset";
            default -> "";
        };
        String why = s.state() == CircuitBreaker.State.OPEN ? s.openReason().map(r -> " (opened: " + r + ")").orElse("") : "";
        return new CallNotPermittedException(circuit, s.state(), nextProbe,
                "circuit '" + circuit + "' is " + s.state() + when + "; call not permitted" + why);
    }

    /**
     * @param circuit the circuit name
     * @param store   the store, described
     * @param error   what the store did
     * @return the rejection of a call under the REJECT store-failure policy
     */
    static CallNotPermittedException storeUnreachable(String circuit, String store, RuntimeException error) {
        return new CallNotPermittedException(circuit, null, null, "circuit '" + circuit + "': its store ("
                + store + ") is unreachable and the policy is REJECT: " + error);
    }

    /** @return the circuit name */
    public String circuit() {
        return circuit;
    }

    /** @return the state that rejected the call */
    public CircuitBreaker.State state() {
        return state;
    }

    /** @return when the next probe may go through, if known */
    public Optional<Instant> nextProbeAt() {
        return Optional.ofNullable(nextProbeAt);
    }

    /** How API Gateway front doors answer it: 503, problem {@code circuit-open}. */
    public static final ProblemType PROBLEM = new ProblemType(503, "circuit-open", "A service this request needs is unavailable; retry later");
    
    @Override
    public ProblemType problemType() {
        return PROBLEM;
    }

    @Override
    public Optional<Instant> retryAt() {
        return nextProbeAt();
    }
}
