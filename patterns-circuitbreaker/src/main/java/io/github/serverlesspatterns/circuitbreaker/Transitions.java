package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Randomness;

import java.util.function.LongSupplier;

/**
 * The breaker's state machine as pure functions of (state, event, now). The breaker computes
 * transitions here and writes them to the shared store by compare-and-set, so every store keeps
 * the same semantics and none needs its own copy of the logic.
 */
final class Transitions {

    enum Outcome {
        SUCCESS, FAILURE, IGNORED, SLOW_SUCCESS, SLOW_FAILURE;

        boolean failed() {
            return this == FAILURE || this == SLOW_FAILURE;
        }

        boolean slow() {
            return this == SLOW_SUCCESS || this == SLOW_FAILURE;
        }
    }

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
            case METRICS_ONLY:
                return Decision.PERMIT;
            case FORCED_OPEN:
                return Decision.REJECT;
            case OPEN:
                if (now < s.openUntilMillis()) {
                    return Decision.REJECT;
                }
                return Decision.probe(s.probing(1, 0, now));
            case HALF_OPEN:
                int inFlight = s.probesInFlight();
                if (inFlight > 0 && now - s.lastProbeMillis() >= config.probeTimeout().toMillis()) {
                    inFlight = 0; // the probes' instances died or hung: their slots are free again
                }
                if (inFlight >= config.permittedProbes()) {
                    return Decision.REJECT;
                }
                return Decision.probe(s.probing(inFlight + 1, s.probeSuccesses(), now));
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
            case METRICS_ONLY:
                return probe || outcome == Outcome.IGNORED ? s : closedOutcome(s, outcome, count, now);
            case HALF_OPEN:
                if (!probe) {
                    return s;
                }
                int inFlight = Math.max(0, s.probesInFlight() - 1);
                if (outcome == Outcome.IGNORED) {
                    return s.probing(inFlight, s.probeSuccesses(), s.lastProbeMillis());
                }
                if (outcome != Outcome.SUCCESS) { // a failed probe, or a slow one when slow calls have a rate of their own
                    return open(s, s.openCount() + 1, now.getAsLong(), Window.reason("probe-failed"));
                }
                int successes = s.probeSuccesses() + 1;
                if (successes >= config.successesToClose()) {
                    return s.closed();
                }
                return s.probing(inFlight, successes, s.lastProbeMillis());
            default:
                return s; // OPEN, FORCED_OPEN, DISABLED: nothing is counted
        }
    }

    private CircuitState closedOutcome(CircuitState s, Outcome outcome, int count, LongSupplier now) {
        switch (config.failureDetection()) {
            case CONSECUTIVE_FAILURES:
                if (!outcome.failed()) {
                    return s.consecutiveFailures() == 0 ? s : s.counting(0, "");
                }
                int failures = s.consecutiveFailures() + count;
                if (failures >= config.failureThreshold() && s.state() == CircuitBreaker.State.CLOSED) {
                    return open(s, 1, now.getAsLong(), Window.reason("consecutive-failures", failures));
                }
                return s.counting(failures, "");
            case FAILURE_RATE: {
                String window = Window.addByCount(s.window(), outcome.failed(), outcome.slow(), count, config.windowSize());
                return openIfExceeded(s.counting(0, window), 0, now);
            }
            default: {
                long millis = now.getAsLong();
                String window = Window.addByTime(s.window(), outcome.failed(), outcome.slow(), count, millis,
                        config.timeWindow().getSeconds());
                return openIfExceeded(s.counting(0, window), millis, () -> millis);
            }
        }
    }

    private CircuitState openIfExceeded(CircuitState next, long nowMillis, LongSupplier now) {
        String exceeded = exceeded(next, nowMillis);
        if (exceeded == null || next.state() != CircuitBreaker.State.CLOSED) {
            return next; // METRICS_ONLY counts, and the breaker reports the threshold crossed, but it never opens
        }
        return open(next, 1, now.getAsLong(), exceeded);
    }

    /**
     * @param s         a CLOSED or METRICS_ONLY state
     * @param nowMillis now (time windows drop older buckets); unused for count windows
     * @return the reason text ({@link Window#reason}) of the first threshold the window reaches, or null
     */
    String exceeded(CircuitState s, long nowMillis) {
        if (config.failureDetection() == CircuitBreakerConfig.FailureDetection.CONSECUTIVE_FAILURES) {
            return s.consecutiveFailures() >= config.failureThreshold()
                    ? Window.reason("consecutive-failures", s.consecutiveFailures()) : null;
        }
        long windowSeconds = config.timeWindow() == null ? 0 : config.timeWindow().getSeconds();
        Window.Totals totals = Window.totals(s.window(), nowMillis, windowSeconds);
        if (totals.calls() < config.minimumCalls()) {
            return null; // not enough calls: no rate yet
        }
        if (totals.failureRate() >= config.failureRateThreshold()) {
            return Window.reason("failure-rate", totals.failureRate());
        }
        if (config.slowCallRateThreshold() > 0 && totals.slowRate() >= config.slowCallRateThreshold()) {
            return Window.reason("slow-call-rate", totals.slowRate());
        }
        return null;
    }

    /**
     * OPEN for the base wait times multiplier^(openCount-1), capped, with jitter chosen once here;
     * {@code reason} ({@link Window#reason}) is kept in the window field.
     */
    CircuitState open(CircuitState s, int openCount, long now, String reason) {
        double wait = config.waitInOpen().toMillis() * Math.pow(config.backoffMultiplier(), openCount - 1);
        wait = Math.min(wait, config.maxWaitInOpen().toMillis());
        if (config.jitter() > 0) {
            wait *= 1 + config.jitter() * (2 * Randomness.nextDouble() - 1);
        }
        return s.opened(now + Math.max(1, Math.round(wait)), openCount, reason);
    }
}
