package io.github.serverlesspatterns.circuitbreaker;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The breaker's state machine as pure functions of (state, event, now). The breaker computes
 * transitions here and writes them to the shared store by compare-and-set, so every store keeps
 * the same semantics and none needs its own copy of the logic.
 */
final class Transitions {

    enum Outcome { SUCCESS, FAILURE, IGNORED }

    enum Kind { PERMIT, PROBE, REJECT }

    /** What acquire decided; {@code next} is the state to write for a probe. */
    static final class Decision {
        static final Decision PERMIT = new Decision(Kind.PERMIT, null);
        static final Decision REJECT = new Decision(Kind.REJECT, null);

        final Kind kind;
        final CircuitState next;

        private Decision(Kind kind, CircuitState next) {
            this.kind = kind;
            this.next = next;
        }

        static Decision probe(CircuitState next) {
            return new Decision(Kind.PROBE, next);
        }
    }

    private final CircuitBreakerConfig config;

    Transitions(CircuitBreakerConfig config) {
        this.config = config;
    }

    Decision acquire(CircuitState s, long now) {
        switch (s.state()) {
            case CLOSED:
            case DISABLED:
                return Decision.PERMIT;
            case FORCED_OPEN:
                return Decision.REJECT;
            case OPEN:
                if (now < s.openUntilMillis()) {
                    return Decision.REJECT;
                }
                return Decision.probe(s.with(CircuitState.State.HALF_OPEN, 0, "", s.openUntilMillis(), s.openCount(), 1, 0, now));
            case HALF_OPEN:
                int inFlight = s.probesInFlight();
                if (inFlight > 0 && now - s.lastProbeMillis() >= config.probeTimeout().toMillis()) {
                    inFlight = 0; // the probes' instances died or hung: their slots are free again
                }
                if (inFlight >= config.permittedProbes()) {
                    return Decision.REJECT;
                }
                return Decision.probe(s.with(CircuitState.State.HALF_OPEN, 0, "", s.openUntilMillis(), s.openCount(),
                        inFlight + 1, s.probeSuccesses(), now));
            default:
                throw new IllegalStateException("unknown state " + s.state());
        }
    }

    /**
     * The state after {@code count} outcomes of one kind. Outcomes of calls that were not probes
     * are ignored unless the circuit is CLOSED (a call let through on a stale view must not count
     * as a probe). The clock is read only when the circuit opens.
     */
    CircuitState onOutcome(CircuitState s, Outcome outcome, int count, boolean probe, LongSupplier now) {
        switch (s.state()) {
            case CLOSED:
                return probe || outcome == Outcome.IGNORED ? s : closedOutcome(s, outcome, count, now);
            case HALF_OPEN:
                if (!probe) {
                    return s;
                }
                int inFlight = Math.max(0, s.probesInFlight() - 1);
                if (outcome == Outcome.IGNORED) {
                    return s.with(CircuitState.State.HALF_OPEN, 0, "", s.openUntilMillis(), s.openCount(), inFlight,
                            s.probeSuccesses(), s.lastProbeMillis());
                }
                if (outcome == Outcome.FAILURE) {
                    return open(s, s.openCount() + 1, now.getAsLong());
                }
                int successes = s.probeSuccesses() + 1;
                if (successes >= config.successesToClose()) {
                    return s.with(CircuitState.State.CLOSED, 0, "", 0, 0, 0, 0, 0);
                }
                return s.with(CircuitState.State.HALF_OPEN, 0, "", s.openUntilMillis(), s.openCount(), inFlight, successes,
                        s.lastProbeMillis());
            default:
                return s; // OPEN, FORCED_OPEN, DISABLED: nothing is counted
        }
    }

    private CircuitState closedOutcome(CircuitState s, Outcome outcome, int count, LongSupplier now) {
        if (config.failureDetection() == CircuitBreakerConfig.FailureDetection.CONSECUTIVE_FAILURES) {
            if (outcome == Outcome.SUCCESS) {
                return s.consecutiveFailures() == 0 ? s : s.with(CircuitState.State.CLOSED, 0, "", 0, 0, 0, 0, 0);
            }
            int failures = s.consecutiveFailures() + count;
            return failures >= config.failureThreshold() ? open(s, 1, now.getAsLong())
                    : s.with(CircuitState.State.CLOSED, failures, "", 0, 0, 0, 0, 0);
        }
        StringBuilder window = new StringBuilder(s.window());
        char mark = outcome == Outcome.FAILURE ? '1' : '0';
        for (int i = 0; i < count; i++) {
            window.append(mark);
        }
        if (window.length() > config.windowSize()) {
            window.delete(0, window.length() - config.windowSize());
        }
        CircuitState next = s.with(CircuitState.State.CLOSED, 0, window.toString(), 0, 0, 0, 0, 0);
        if (window.length() >= config.minimumCalls() && next.failureRate() >= config.failureRateThreshold()) {
            return open(s, 1, now.getAsLong());
        }
        return next;
    }

    /** OPEN for the base wait times multiplier^(openCount-1), capped, with jitter chosen once here. */
    CircuitState open(CircuitState s, int openCount, long now) {
        double wait = config.waitInOpen().toMillis() * Math.pow(config.backoffMultiplier(), openCount - 1);
        wait = Math.min(wait, config.maxWaitInOpen().toMillis());
        if (config.jitter() > 0) {
            wait *= 1 + config.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        }
        return s.with(CircuitState.State.OPEN, 0, "", now + Math.max(1, Math.round(wait)), openCount, 0, 0, 0);
    }
}
