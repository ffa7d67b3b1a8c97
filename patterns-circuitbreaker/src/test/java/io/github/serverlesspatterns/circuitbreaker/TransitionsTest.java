package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker.State;
import io.github.serverlesspatterns.circuitbreaker.Transitions.Kind;
import io.github.serverlesspatterns.circuitbreaker.Transitions.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The state machine as a table: for each (state, event, now), the decision or the next state. The
 * config: 3 consecutive failures open the circuit; OPEN waits 1 s, doubling per failed probe up to
 * 4 s, no jitter; HALF_OPEN admits 2 probes at once and closes after 2 successes; a probe's slot
 * is free again after 10 s.
 */
class TransitionsTest {

    private static final long T = 1_000_000L;

    private static final Transitions TRANSITIONS = new Transitions(CircuitBreakerConfig.builder()
            .consecutiveFailures(3)
            .waitInOpen(Duration.ofSeconds(1))
            .backoff(2.0, Duration.ofSeconds(4))
            .halfOpen(2, 2)
            .probeTimeout(Duration.ofSeconds(10))
            .build());

    private static CircuitState closed(int failures) {
        return CircuitState.initial().counting(failures, "");
    }

    private static CircuitState open(long until, int openCount) {
        return CircuitState.initial().opened(until, openCount, Window.reason("test"));
    }

    private static CircuitState probing(int openCount, int inFlight, int successes, long lastProbe) {
        return open(T, openCount).probing(inFlight, successes, lastProbe);
    }

    static Stream<Arguments> acquisitions() {
        return Stream.of(
                // state before, now, decision, state written for a probe (null when none)
                arguments("CLOSED passes", closed(2), T, Kind.PERMIT, null),
                arguments("DISABLED passes", CircuitState.initial().setByHand(State.DISABLED), T, Kind.PERMIT, null),
                arguments("METRICS_ONLY passes", CircuitState.initial().setByHand(State.METRICS_ONLY), T, Kind.PERMIT, null),
                arguments("FORCED_OPEN rejects", CircuitState.initial().setByHand(State.FORCED_OPEN), T, Kind.REJECT, null),
                arguments("OPEN before its wait ends rejects", open(T + 1, 1), T, Kind.REJECT, null),
                arguments("OPEN at its wait's end admits the first probe", open(T, 1), T, Kind.PROBE, probing(1, 1, 0, T)),
                arguments("HALF_OPEN with a free slot admits a second probe", probing(1, 1, 0, T), T + 5, Kind.PROBE,
                        probing(1, 2, 0, T + 5)),
                arguments("HALF_OPEN with every slot taken rejects", probing(1, 2, 0, T), T + 5, Kind.REJECT, null),
                arguments("HALF_OPEN whose probes timed out frees their slots", probing(1, 2, 1, T), T + 10_000, Kind.PROBE,
                        probing(1, 1, 1, T + 10_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acquisitions")
    void acquire(String rule, CircuitState before, long now, Kind kind, CircuitState written) {
        Transitions.Decision decision = TRANSITIONS.acquire(before, now);
        assertEquals(kind, decision.kind, rule);
        if (written != null) {
            assertEquals(written.encode(), decision.next.encode(), rule);
        }
    }

    static Stream<Arguments> outcomes() {
        return Stream.of(
                // state before, outcome, was it a probe, now, state after
                arguments("CLOSED counts a failure", closed(1), Outcome.FAILURE, false, T, closed(2)),
                arguments("CLOSED opens at the threshold, waiting the base wait", closed(2), Outcome.FAILURE, false, T,
                        CircuitState.initial().opened(T + 1_000, 1, Window.reason("consecutive-failures", 3))),
                arguments("CLOSED: a success resets the count", closed(2), Outcome.SUCCESS, false, T, closed(0)),
                arguments("CLOSED: an ignored error changes nothing", closed(2), Outcome.IGNORED, false, T, closed(2)),
                arguments("CLOSED: a stale probe's outcome is not counted", closed(2), Outcome.FAILURE, true, T, closed(2)),
                arguments("METRICS_ONLY counts but never opens",
                        CircuitState.initial().setByHand(State.METRICS_ONLY).counting(2, ""), Outcome.FAILURE, false, T,
                        CircuitState.initial().setByHand(State.METRICS_ONLY).counting(3, "")),
                arguments("OPEN counts nothing", open(T + 500, 1), Outcome.FAILURE, false, T, open(T + 500, 1)),
                arguments("FORCED_OPEN counts nothing", CircuitState.initial().setByHand(State.FORCED_OPEN), Outcome.FAILURE,
                        false, T, CircuitState.initial().setByHand(State.FORCED_OPEN)),
                arguments("HALF_OPEN: a first successful probe frees its slot and counts", probing(1, 2, 0, T), Outcome.SUCCESS,
                        true, T + 1, probing(1, 1, 1, T)),
                arguments("HALF_OPEN: the last success needed closes with fresh counters", probing(2, 1, 1, T), Outcome.SUCCESS,
                        true, T + 1, CircuitState.initial().closed()),
                arguments("HALF_OPEN: a failed probe reopens, the wait doubled", probing(1, 1, 0, T), Outcome.FAILURE, true,
                        T + 1, CircuitState.initial().opened(T + 1 + 2_000, 2, Window.reason("probe-failed"))),
                arguments("HALF_OPEN: the backoff stops at the longest wait", probing(3, 1, 0, T), Outcome.FAILURE, true,
                        T + 1, CircuitState.initial().opened(T + 1 + 4_000, 4, Window.reason("probe-failed"))),
                arguments("HALF_OPEN: a slow probe reopens as a failure would", probing(1, 1, 0, T), Outcome.SLOW_SUCCESS, true,
                        T + 1, CircuitState.initial().opened(T + 1 + 2_000, 2, Window.reason("probe-failed"))),
                arguments("HALF_OPEN: an ignored probe frees its slot only", probing(1, 2, 1, T), Outcome.IGNORED, true,
                        T + 1, probing(1, 1, 1, T)),
                arguments("HALF_OPEN: a call that was not a probe is not counted", probing(1, 1, 0, T), Outcome.FAILURE,
                        false, T + 1, probing(1, 1, 0, T)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outcomes")
    void onOutcome(String rule, CircuitState before, Outcome outcome, boolean probe, long now, CircuitState after) {
        CircuitState next = TRANSITIONS.onOutcome(before, outcome, 1, probe, () -> now);
        assertEquals(after.encode(), next.encode(), rule);
    }
}
