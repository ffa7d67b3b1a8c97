package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker.State;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * The shared state of one circuit, as stores keep it: immutable, versioned, and encoded as one
 * short string ({@link #encode()} / {@link #decode(String)}) so that every store can keep it in
 * one value and replace it with one compare-and-set on {@link #version()}.
 *
 * <p>{@link #window()} holds the calls a CLOSED circuit counts: by count, one mark per call,
 * oldest first ({@code 0} success, {@code 1} failure, {@code 2} slow success, {@code 3} slow
 * failure), at most the configured window size long; by time, {@code T} and at most 60 buckets
 * {@code index:calls:failures:slow}. In OPEN it holds why the circuit opened
 * ({@link #openReason()}).
 */
public final class CircuitState {

    private static final String FORMAT = "v1";

    private final State state;
    private final long version;
    private final int consecutiveFailures;
    private final String window;
    private final long openUntilMillis;
    private final int openCount;
    private final int probesInFlight;
    private final int probeSuccesses;
    private final long lastProbeMillis;
    private final String epoch;

    private CircuitState(State state, long version, int consecutiveFailures, String window, long openUntilMillis,
                         int openCount, int probesInFlight, int probeSuccesses, long lastProbeMillis, String epoch) {
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.state = Objects.requireNonNull(state, "state");
        this.version = version;
        this.consecutiveFailures = consecutiveFailures;
        this.window = Objects.requireNonNull(window, "window");
        this.openUntilMillis = openUntilMillis;
        this.openCount = openCount;
        this.probesInFlight = probesInFlight;
        this.probeSuccesses = probeSuccesses;
        this.lastProbeMillis = lastProbeMillis;
    }

    private static final CircuitState INITIAL = new CircuitState(State.CLOSED, 0, 0, "", 0, 0, 0, 0, 0, "");

    /** @return a fresh CLOSED circuit at version 0 (what a store holds when it holds nothing) */
    public static CircuitState initial() {
        return INITIAL;
    }

    /** @return the state */
    public State state() {
        return state;
    }

    /** @return the version: 0 for a circuit never stored, then +1 on every stored change */
    public long version() {
        return version;
    }

    /** @return failures since the last success, in CLOSED */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** @return recent outcomes, oldest first: {@code 1} failure, {@code 0} success */
    public String window() {
        return window;
    }

    /** @return epoch ms at which an OPEN circuit lets the first probe through */
    public long openUntilMillis() {
        return openUntilMillis;
    }

    /** @return how many times the circuit opened since it was last closed (the backoff exponent) */
    public int openCount() {
        return openCount;
    }

    /** @return probes admitted in HALF_OPEN and not finished yet */
    public int probesInFlight() {
        return probesInFlight;
    }

    /** @return successful probes in this HALF_OPEN period */
    public int probeSuccesses() {
        return probeSuccesses;
    }

    /** @return epoch ms of the last probe admitted */
    public long lastProbeMillis() {
        return lastProbeMillis;
    }

    /**
     * @return the failure rate of the stored window in percent, or -1 when it holds no calls. For a
     *         time window, every stored bucket counts (buckets past the window are dropped on the
     *         next recorded call, not when read)
     */
    public float failureRate() {
        return Window.totals(window, 0, 0).failureRate();
    }

    /** @return the slow-call rate of the stored window in percent, or -1 when it holds no calls */
    public float slowCallRate() {
        return Window.totals(window, 0, 0).slowRate();
    }

    /** @return the calls held in the stored window (CLOSED and METRICS_ONLY) */
    public int bufferedCalls() {
        return Window.totals(window, 0, 0).calls();
    }

    /** @return why an OPEN circuit opened (e.g. {@code failure rate 62.5% reached the threshold}), when known */
    public Optional<String> openReason() {
        return Optional.ofNullable(Window.describe(window));
    }

    // ---- the transitions (Transitions decides which; these say what each leaves in the state) ----

    /** @return CLOSED with fresh counters: an empty window and the backoff reset */
    CircuitState closed() {
        return with(State.CLOSED, 0, "", 0, 0, 0, 0, 0);
    }

    /**
     * @param failures failures since the last success (consecutive-failure detection), else 0
     * @param window   the window of counted calls (rate detection), else empty
     * @return the same state (CLOSED or METRICS_ONLY) counting these
     */
    CircuitState counting(int failures, String window) {
        return with(state, failures, window, 0, 0, 0, 0, 0);
    }

    /**
     * @param until     epoch ms at which the first probe may pass
     * @param openCount how many times in a row it opened (the backoff exponent)
     * @param reason    why ({@link Window#reason}), kept in the window field
     * @return OPEN
     */
    CircuitState opened(long until, int openCount, String reason) {
        return with(State.OPEN, 0, reason, until, openCount, 0, 0, 0);
    }

    /**
     * @param inFlight   probes admitted and not finished
     * @param successes  successful probes so far
     * @param lastProbe  epoch ms of the last probe admitted
     * @return HALF_OPEN with these probes, keeping when and how often the circuit opened
     */
    CircuitState probing(int inFlight, int successes, long lastProbe) {
        return with(State.HALF_OPEN, 0, "", openUntilMillis, openCount, inFlight, successes, lastProbe);
    }

    /**
     * @param openUntil epoch ms recorded as the end of the open wait
     * @param openCount the backoff exponent to keep
     * @return HALF_OPEN with no probe admitted yet (set by hand)
     */
    CircuitState halfOpened(long openUntil, int openCount) {
        return with(State.HALF_OPEN, 0, "", openUntil, openCount, 0, 0, 0);
    }

    /**
     * @param manual FORCED_OPEN, DISABLED or METRICS_ONLY
     * @return that state, with fresh counters
     */
    CircuitState setByHand(State manual) {
        return with(manual, 0, "", 0, 0, 0, 0, 0);
    }

    private CircuitState with(State newState, int newConsecutiveFailures, String newWindow, long newOpenUntil, int newOpenCount,
                              int newProbesInFlight, int newProbeSuccesses, long newLastProbe) {
        return new CircuitState(newState, version, newConsecutiveFailures, newWindow, newOpenUntil, newOpenCount,
                newProbesInFlight, newProbeSuccesses, newLastProbe, epoch);
    }

    /**
     * @return the epoch of this state's history: a random id given by the first write over the
     *         initial state, kept by every later write. A store that lost the state (restarted empty,
     *         evicted the key, failed over without it) starts a new epoch, so an instance whose view
     *         has a higher version from the old epoch knows the view is gone and follows the store,
     *         instead of ignoring it for a lower version. Empty for the initial state.
     */
    public String epoch() {
        return epoch;
    }

    /**
     * @return this state with the next version, as a store writes it over version {@link #version()}
     */
    CircuitState nextVersion() {
        return new CircuitState(state, version + 1, consecutiveFailures, window, openUntilMillis, openCount, probesInFlight,
                probeSuccesses, lastProbeMillis, epoch.isEmpty() ? newEpoch() : epoch);
    }

    private static String newEpoch() {
        // a new SecureRandom each time (once per store lifetime): nothing of it is in a SnapStart snapshot
        return Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
    }

    /** @return {@code true} if both have the same content, whatever their versions */
    boolean sameContent(CircuitState o) {
        return state == o.state && consecutiveFailures == o.consecutiveFailures && window.equals(o.window)
                && openUntilMillis == o.openUntilMillis && openCount == o.openCount && probesInFlight == o.probesInFlight
                && probeSuccesses == o.probeSuccesses && lastProbeMillis == o.lastProbeMillis;
    }

    /** @return the one-line encoding stores keep */
    public String encode() {
        return FORMAT + '|' + state + '|' + version + '|' + consecutiveFailures + '|' + window + '|' + openUntilMillis + '|'
                + openCount + '|' + probesInFlight + '|' + probeSuccesses + '|' + lastProbeMillis + '|' + epoch;
    }

    /**
     * @param encoded a string made by {@link #encode()}
     * @return the state
     * @throws IllegalArgumentException if the string is not an encoding of this format
     */
    public static CircuitState decode(String encoded) {
        Objects.requireNonNull(encoded, "encoded");
        String[] f = encoded.split("\\|", -1);
        if ((f.length != 10 && f.length != 11) || !FORMAT.equals(f[0])) {
            throw new IllegalArgumentException("not a circuit state (expected " + FORMAT + " with 11 fields): '" + encoded + "'");
        }
        try {
            return new CircuitState(State.valueOf(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]), f[4],
                    Long.parseLong(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]),
                    Long.parseLong(f[9]), f.length == 11 ? f[10] : ""); // 10 fields: written before epochs existed
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a circuit state: '" + encoded + "': " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitState && ((CircuitState) o).version == version && sameContent((CircuitState) o)
                && ((CircuitState) o).epoch.equals(epoch);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, version, window);
    }

    @Override
    public String toString() {
        return "CircuitState{" + encode() + '}';
    }
}
