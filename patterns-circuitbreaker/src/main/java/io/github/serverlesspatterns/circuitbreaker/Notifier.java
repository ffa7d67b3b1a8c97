package io.github.serverlesspatterns.circuitbreaker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Tells a circuit's listener what happened, and logs transitions. A listener that throws is
 * logged and never fails the call or the breaker. Part of {@link CircuitBreaker}; thread-safe.
 */
final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String name;
    private final CircuitBreakerListener listener;
    private final Transitions transitions;
    private final LongSupplier millis;

    Notifier(String name, CircuitBreakerListener listener, Transitions transitions, LongSupplier millis) {
        this.name = name;
        this.listener = listener;
        this.transitions = transitions;
        this.millis = millis;
    }

    /** @return whether anyone listens (when nobody does, calls need not be timed for it) */
    boolean listening() {
        return listener != CircuitBreakerListener.NO_OP;
    }

    /** A call's outcome: a success, an error that counts, or an ignored one. */
    void outcome(Transitions.Outcome outcome, long elapsedNanos, Throwable error) {
        if (!listening()) {
            return;
        }
        Duration elapsed = Duration.ofNanos(elapsedNanos);
        try {
            if (outcome == Transitions.Outcome.IGNORED) {
                listener.onIgnoredError(name, elapsed, error);
            } else if (outcome.failed()) {
                listener.onError(name, elapsed, error);
            } else {
                listener.onSuccess(name, elapsed);
            }
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on a call outcome", name, e);
        }
    }

    /** A probe's outcome, after {@link #outcome}; an ignored one is not a probe outcome. */
    void probe(Transitions.Outcome outcome, long elapsedNanos) {
        if (!listening() || outcome == Transitions.Outcome.IGNORED) {
            return;
        }
        try {
            listener.onProbeOutcome(name, !outcome.failed(), Duration.ofNanos(elapsedNanos));
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on a probe outcome", name, e);
        }
    }

    void rejected(CallNotPermittedException rejection) {
        try {
            listener.onCallRejected(name, rejection.state(), rejection.nextProbeAt().orElse(null));
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on a rejected call", name, e);
        }
    }

    void storeError(RuntimeException error) {
        try {
            listener.onStoreError(name, error); // every store error, whatever the policy
        } catch (RuntimeException listenerError) {
            LOG.warn("circuit '{}': listener failed on store error", name, listenerError);
        }
    }

    void reset() {
        try {
            listener.onReset(name);
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on reset", name, e);
        }
    }

    /** A recorded outcome changed the state: report a transition, or a threshold crossed in METRICS_ONLY. */
    void recorded(CircuitState before, CircuitState after) {
        if (before.state() == CircuitBreaker.State.METRICS_ONLY && after.state() == CircuitBreaker.State.METRICS_ONLY) {
            long nowMillis = millis.getAsLong();
            String crossed = transitions.exceeded(after, nowMillis);
            if (crossed != null && transitions.exceeded(before, nowMillis) == null) {
                exceeded(crossed, after);
            }
            return;
        }
        transitioned(before.state(), after);
    }

    void transitioned(CircuitBreaker.State from, CircuitState to) {
        if (from == to.state()) {
            return;
        }
        String reason = to.openReason().map(r -> " (" + r + ")").orElse("");
        LOG.info("circuit '{}': {} -> {}{}", name, from, to.state(), reason);
        try {
            listener.onStateTransition(name, from, to.state());
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on transition {} -> {}", name, from, to.state(), e);
        }
        if (from == CircuitBreaker.State.CLOSED && to.state() == CircuitBreaker.State.OPEN) {
            exceeded(to.window(), to);
        }
    }

    /** Tells the listener which rate threshold was reached, from a reason text ({@link Window#reason}). */
    private void exceeded(String reason, CircuitState state) {
        try {
            if (reason.startsWith(Window.OPENED + "failure-rate:")) {
                listener.onFailureRateExceeded(name, Float.parseFloat(reason.substring((Window.OPENED + "failure-rate:").length())));
            } else if (reason.startsWith(Window.OPENED + "slow-call-rate:")) {
                listener.onSlowCallRateExceeded(name, Float.parseFloat(reason.substring((Window.OPENED + "slow-call-rate:").length())));
            }
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on a threshold reached ({})", name, state, e);
        }
    }
}
