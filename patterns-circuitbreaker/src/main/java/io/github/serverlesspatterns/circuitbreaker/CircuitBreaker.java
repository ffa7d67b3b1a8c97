package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Randomness;
import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.internal.DownWindow;
import io.github.serverlesspatterns.core.internal.NameRule;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A circuit breaker whose state lives in a shared {@link CircuitStateStore}, so that every
 * instance of a function opens together, probes together and backs off together.
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.of("payments-api", RedisCircuitStateStore.create(redisClient),
 *         CircuitBreakerConfig.builder().consecutiveFailures(5).waitInOpen(Duration.ofSeconds(30)).build());
 * Handler<Charge, Receipt> guarded = Decorators.decorate(callPaymentsApi, breaker.decorator());
 * }</pre>
 *
 * <p>How it talks to the store: the breaker keeps a local view of the shared state and writes
 * every transition with one compare-and-set, so concurrent transitions are never lost and only
 * one instance wins each HALF_OPEN probe slot. In CLOSED a call costs one round trip (made after
 * the call: it writes the outcome when it changes the state, otherwise it re-reads the state), so
 * an instance learns that another one opened the circuit within one call. A CLOSED view is
 * trusted before a call for less than the wait in OPEN, so a stale view never bypasses the
 * HALF_OPEN probe limit. With {@link CircuitBreakerConfig.Builder#localReadStaleness} successes
 * are batched and a call costs a round trip only once per staleness period; failures are always
 * written at once. No background threads or timers: transitions happen on calls.
 *
 * <p>Rejected calls get {@link CallNotPermittedException} (or the fallback's result); the user's
 * own exceptions pass through unchanged. Store trouble is handled by the configured
 * {@link CircuitBreakerConfig.StoreFailurePolicy}. Thread-safe; one instance per circuit per JVM.
 */
public final class CircuitBreaker implements Primeable {

    /** A circuit's name: its key in the shared store and a metrics dimension. */
    private static final NameRule NAME = new NameRule("circuit name", "._-:", 128);

    /** The states of a circuit: what {@link #state()} reports and listeners are told of. */
    public enum State {
        /** Calls pass; outcomes are counted. */
        CLOSED,
        /** Calls are rejected until the open wait ends. */
        OPEN,
        /** A few probe calls pass; successes close the circuit, a failure re-opens it. */
        HALF_OPEN,
        /** Set by hand: every call is rejected. */
        FORCED_OPEN,
        /** Set by hand: every call passes and nothing is counted. */
        DISABLED,
        /**
         * Set by hand: every call passes and is counted as in CLOSED (rates, events), but the
         * circuit never opens: to watch a new threshold before enforcing it.
         */
        METRICS_ONLY
    }

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);
    private static final int MAX_ATTEMPTS = 16;

    private final String name;
    private final CircuitStateStore shared;
    private final InMemoryCircuitStateStore local = new InMemoryCircuitStateStore();
    private final CircuitBreakerConfig config;
    private final Transitions transitions;
    private final LongSupplier millis;
    /** Whether calls are timed: for slow-call detection, or for a listener's outcome events. */
    private final boolean timed;

    private final AtomicReference<View> view = new AtomicReference<>();
    private final DownWindow sharedStoreOutage = new DownWindow();
    private final AtomicInteger pendingSuccesses = new AtomicInteger();

    private final LongAdder rejected = new LongAdder();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder slowCalls = new LongAdder();
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder storeErrors = new LongAdder();

    /** The state as last read or written, with the time and store it came from. */
    private static final class View {
        final CircuitState state;
        final CircuitStateStore store;
        /** Moves forward when a read finds this very version again (no new view is allocated then). */
        volatile long seenAt;

        View(CircuitState state, long seenAt, CircuitStateStore store) {
            this.state = state;
            this.seenAt = seenAt;
            this.store = store;
        }
    }

    private static final int PROBE = Permit.PROBE;
    private static final int ROUND_TRIP = Permit.ROUND_TRIP;

    private CircuitBreaker(String name, CircuitStateStore store, CircuitBreakerConfig config) {
        this.name = name;
        this.shared = store;
        this.config = config;
        this.transitions = new Transitions(config);
        this.millis = () -> config.clock().millis();
        this.timed = config.slowCallDuration() != null || config.listener() != CircuitBreakerListener.NO_OP;
    }

    /**
     * @param name   the circuit's name, shared by every instance that guards the same downstream
     *               (1 to 128 of {@code A-Z a-z 0-9 . _ - :})
     * @param store  where the shared state lives
     * @param config the configuration
     * @return the breaker
     */
    public static CircuitBreaker of(String name, CircuitStateStore store, CircuitBreakerConfig config) {
        return new CircuitBreaker(NAME.check(name), Objects.requireNonNull(store, "store"), Objects.requireNonNull(config, "config"));
    }

    /** @return the circuit's name */
    public String name() {
        return name;
    }

    /** @return the configuration */
    public CircuitBreakerConfig config() {
        return config;
    }

    /**
     * A decorator that guards calls with this breaker; a rejected call throws
     * {@link CallNotPermittedException}.
     *
     * @param <I> input type
     * @param <O> output type
     * @return the decorator
     */
    public <I, O> Decorator<I, O> decorator() {
        return handler -> guard(handler, null);
    }

    /**
     * A decorator that guards calls with this breaker; a rejected call returns the fallback's result.
     *
     * @param fallback what a rejected call returns
     * @param <I>      input type
     * @param <O>      output type
     * @return the decorator
     */
    public <I, O> Decorator<I, O> decorator(Fallback<I, O> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return handler -> guard(handler, fallback);
    }

    private <I, O> Handler<I, O> guard(Handler<I, O> handler, Fallback<I, O> fallback) {
        Objects.requireNonNull(handler, "handler");
        return (input, invocation) -> call(handler, fallback, input, invocation);
    }

    private <I, O> O call(Handler<I, O> handler, Fallback<I, O> fallback, I input, Invocation invocation) {
        Permit permit = acquire();
        if (permit.isPlain() && !timed) {
            // the hot path (CLOSED, no probe, calls not timed) kept small enough for the JIT to inline
            int flags = permit.flags;
            O result;
            try {
                result = handler.handle(input, invocation);
            } catch (Throwable e) { // Errors and undeclared checked exceptions (Kotlin, @SneakyThrows) count like any other
                throw failed(flags, null, e, 0);
            }
            record(flags, null, config.recordResult().test(result) ? Transitions.Outcome.FAILURE : Transitions.Outcome.SUCCESS);
            return result;
        }
        return callOtherwise(permit, handler, fallback, input, invocation);
    }

    /** Rejections, probes, and calls timed for slow-call detection or a listener. */
    private <I, O> O callOtherwise(Permit permit, Handler<I, O> handler, Fallback<I, O> fallback, I input, Invocation invocation) {
        if (permit.rejection != null) {
            CallNotPermittedException rejection = permit.rejection;
            rejected.increment();
            notifyRejected(rejection);
            if (fallback != null) {
                return fallback.apply(input, invocation, rejection);
            }
            throw rejection;
        }
        int flags = permit.flags;
        CircuitStateStore probeStore = permit.probeStore;
        long start = timed ? config.clock().millis() : 0;
        O result;
        try {
            result = handler.handle(input, invocation);
        } catch (Throwable e) {
            throw failed(flags, probeStore, e, timed ? config.clock().millis() - start : 0);
        }
        long elapsed = timed ? config.clock().millis() - start : 0;
        Transitions.Outcome outcome = withSlowness(config.recordResult().test(result) ? Transitions.Outcome.FAILURE
                : Transitions.Outcome.SUCCESS, elapsed);
        notifyOutcome(outcome, elapsed, null);
        record(flags, probeStore, outcome);
        return result;
    }

    /** Counts what a call threw (the outcome first, then any transition it causes) and returns it to be rethrown unchanged. */
    private RuntimeException failed(int flags, CircuitStateStore probeStore, Throwable e, long elapsedMillis) {
        Transitions.Outcome outcome = withSlowness(config.ignoreException().test(e) ? Transitions.Outcome.IGNORED
                : config.recordException().test(e) ? Transitions.Outcome.FAILURE : Transitions.Outcome.SUCCESS, elapsedMillis);
        notifyOutcome(outcome, elapsedMillis, e);
        record(flags, probeStore, outcome);
        return Failures.rethrow(e);
    }

    /**
     * A slow call is a failure (with {@code slowCallDuration} alone) or a slow success or failure
     * of its own (with {@code slowCallRate}). Ignored calls stay ignored.
     */
    private Transitions.Outcome withSlowness(Transitions.Outcome outcome, long elapsedMillis) {
        if (config.slowCallDuration() == null || outcome == Transitions.Outcome.IGNORED
                || elapsedMillis <= config.slowCallDuration().toMillis()) {
            return outcome;
        }
        slowCalls.increment();
        if (config.slowCallRateThreshold() < 0) {
            return Transitions.Outcome.FAILURE;
        }
        return outcome.failed() ? Transitions.Outcome.SLOW_FAILURE : Transitions.Outcome.SLOW_SUCCESS;
    }

    private void notifyOutcome(Transitions.Outcome outcome, long elapsedMillis, Throwable error) {
        CircuitBreakerListener listener = config.listener();
        if (listener == CircuitBreakerListener.NO_OP) {
            return;
        }
        Duration elapsed = Duration.ofMillis(elapsedMillis);
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

    // ---- permission ------------------------------------------------------------------------

    /** @return whether and how the call may run */
    private Permit acquire() {
        if (shared.isLocal()) {
            // an in-memory store: reading the state is cheaper than reading the clock to trust a view
            CircuitBreaker.State state = shared.load(name).orElse(CircuitState.initial()).state();
            if (state == State.CLOSED || state == State.DISABLED) {
                return Permit.plain(ROUND_TRIP); // METRICS_ONLY takes the general path, where threshold crossings are reported
            }
        }
        int flags = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long now = config.clock().millis();
            View v;
            try {
                View before = view.get();
                v = viewForAcquire(now);
                if (v != before) {
                    flags |= ROUND_TRIP;
                }
            } catch (RuntimeException storeError) {
                CallNotPermittedException verdict = storeFailed(storeError, true);
                if (verdict != null) {
                    return Permit.rejected(verdict);
                }
                continue; // now on the local fallback store
            }
            Transitions.Decision decision = transitions.acquire(v.state, now);
            if (decision.kind == Transitions.Kind.PERMIT) {
                return Permit.plain(flags);
            }
            if (decision.kind == Transitions.Kind.REJECT) {
                return Permit.rejected(rejection(v.state));
            }
            Optional<CircuitState> conflict;
            CircuitState next = decision.next.nextVersion();
            try {
                flags |= ROUND_TRIP;
                conflict = cas(v.store, v.state.version(), next);
            } catch (RuntimeException storeError) {
                CallNotPermittedException verdict = storeFailed(storeError, true);
                if (verdict != null) {
                    return Permit.rejected(verdict);
                }
                continue;
            }
            if (conflict.isEmpty()) {
                see(new View(next, now, v.store));
                transitioned(v.state.state(), next);
                return Permit.probe(flags, v.store);
            }
            see(new View(conflict.get(), now, v.store));
        }
        LOG.warn("circuit '{}': permission still contended after {} attempts; rejecting this call", name, MAX_ATTEMPTS);
        View last = view.get();
        return Permit.rejected(rejection(last == null ? CircuitState.initial() : last.state));
    }

    private View viewForAcquire(long now) {
        CircuitStateStore store = activeStore(now);
        View v = view.get();
        if (v != null && v.store == store) {
            long age = now - v.seenAt;
            switch (v.state.state()) {
                case CLOSED:
                case METRICS_ONLY:
                    long trust = config.localReadStaleness().isZero() ? config.waitInOpen().toMillis()
                            : config.localReadStaleness().toMillis();
                    if (age < trust) {
                        return v;
                    }
                    break;
                case OPEN:
                    if (now < v.state.openUntilMillis()) {
                        return v; // no probe before then, whoever asks
                    }
                    break;
                case FORCED_OPEN:
                case DISABLED:
                    if (age < config.waitInOpen().toMillis()) {
                        return v;
                    }
                    break;
                default:
                    break; // HALF_OPEN: probe slots change under us; read them
            }
        }
        View loaded = new View(load(store), now, store);
        see(loaded);
        return loaded;
    }

    private CallNotPermittedException rejection(CircuitState s) {
        return CallNotPermittedException.rejected(name, s, config.permittedProbes());
    }

    // ---- outcomes ----------------------------------------------------------------------------

    private void record(int flags, CircuitStateStore probeStore, Transitions.Outcome outcome) {
        if (outcome == Transitions.Outcome.IGNORED) {
            ignored.increment();
        } else if (outcome.failed()) {
            failures.increment();
        } else {
            successes.increment();
        }
        if ((flags & PROBE) == 0 && shared.isLocal()) {
            recordLocally(outcome);
            return;
        }
        recordShared(flags, probeStore, outcome);
    }

    /** An outcome written to a shared store (or a probe's, to whichever store granted it). */
    private void recordShared(int flags, CircuitStateStore probeStore, Transitions.Outcome outcome) {
        boolean probe = (flags & PROBE) != 0;
        long now = config.clock().millis();
        View v = view.get();
        if (v == null || (probe && v.store != probeStore)) {
            // another invocation's store error dropped or moved the view meanwhile: read it again, so that
            // this outcome is still recorded (a probe's above all, in its own store: only its outcome frees its slot)
            try {
                CircuitStateStore store = probe ? probeStore : activeStore(now);
                v = new View(load(store), now, store);
                see(v);
                flags |= ROUND_TRIP;
            } catch (RuntimeException storeError) {
                storeFailed(storeError, false);
                return;
            }
        }
        if (!probe && outcome == Transitions.Outcome.SUCCESS && !config.localReadStaleness().isZero()
                && v.state.state() == State.CLOSED && now - v.seenAt < config.localReadStaleness().toMillis()) {
            pendingSuccesses.incrementAndGet(); // batched: written with the next round trip
            return;
        }
        int batched = pendingSuccesses.getAndSet(0); // successes batched under the local read cache go first
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                CircuitState current = v.state;
                CircuitState next = batched > 0
                        ? transitions.onOutcome(current, Transitions.Outcome.SUCCESS, batched, false, millis) : current;
                next = transitions.onOutcome(next, outcome, 1, probe, millis);
                if (next.sameContent(current)) {
                    if ((flags & ROUND_TRIP) == 0) {
                        CircuitState stored = load(v.store); // learn what others did
                        if (stored.version() == current.version() && view.get() == v) {
                            if (now > v.seenAt) {
                                v.seenAt = now; // unchanged: keep the view, trust it longer (one write per ms at most)
                            }
                        } else {
                            see(new View(stored, now, v.store));
                        }
                    }
                    return;
                }
                CircuitState written = next.nextVersion();
                Optional<CircuitState> conflict = cas(v.store, current.version(), written);
                if (conflict.isEmpty()) {
                    see(new View(written, now, v.store));
                    recorded(current, written);
                    return;
                }
                v = new View(conflict.get(), now, v.store);
                see(v);
            }
            pendingSuccesses.addAndGet(batched);
            LOG.warn("circuit '{}': outcome {} not recorded after {} contended attempts", name, outcome, MAX_ATTEMPTS);
        } catch (RuntimeException storeError) {
            pendingSuccesses.addAndGet(batched);
            storeFailed(storeError, false); // the call already ran: never fail it for the store
        }
    }

    /** The outcome of a non-probe call on an in-memory store: no view, no clock unless the state changes. */
    private void recordLocally(Transitions.Outcome outcome) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CircuitState current = shared.load(name).orElse(CircuitState.initial());
            CircuitState next = transitions.onOutcome(current, outcome, 1, false, millis);
            if (next.sameContent(current)) {
                return;
            }
            CircuitState written = next.nextVersion();
            if (shared.compareAndSet(name, current.version(), written).isEmpty()) {
                see(new View(written, config.clock().millis(), shared));
                recorded(current, written);
                return;
            }
        }
        LOG.warn("circuit '{}': outcome {} not recorded after {} contended attempts", name, outcome, MAX_ATTEMPTS);
    }

    // ---- manual control ----------------------------------------------------------------------

    /** Opens the circuit for every instance until {@link #reset()}: every call is rejected, no probe is made. */
    public void forceOpen() {
        setByHand(current -> current.setByHand(State.FORCED_OPEN));
    }

    /** Lets every call through, counting nothing, for every instance until {@link #reset()}. */
    public void disable() {
        setByHand(current -> current.setByHand(State.DISABLED));
    }

    /**
     * Lets every call through for every instance, counting calls and reporting thresholds
     * crossed to the listener as in CLOSED, but never opening: to watch a threshold before
     * enforcing it. {@link #reset()} goes back to CLOSED.
     */
    public void metricsOnly() {
        setByHand(current -> current.setByHand(State.METRICS_ONLY));
    }

    /**
     * Opens the circuit for every instance as a failure would (not forced): calls are rejected for
     * the wait in OPEN (with the usual backoff), then probes decide.
     */
    public void transitionToOpen() {
        setByHand(current -> transitions.open(current, current.openCount() + 1, config.clock().millis(), Window.reason("by-hand")));
    }

    /** Lets the next calls of every instance probe the downstream now (HALF_OPEN, no probe in flight). */
    public void transitionToHalfOpen() {
        setByHand(current -> current.halfOpened(config.clock().millis(), Math.max(1, current.openCount())));
    }

    /** Closes the circuit for every instance, as {@link #reset()} does. */
    public void transitionToClosed() {
        reset();
    }

    /**
     * Closes the circuit with fresh counters (an empty window and a reset backoff) for every
     * instance; the listener hears {@code onReset}. This instance's lifetime counters in
     * {@link #metrics()} are kept.
     */
    public void reset() {
        setByHand(current -> current.closed());
        try {
            config.listener().onReset(name);
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on reset", name, e);
        }
    }

    private void setByHand(java.util.function.UnaryOperator<CircuitState> target) {
        CircuitStateStore store = activeStore(config.clock().millis());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CircuitState current = load(store);
            CircuitState next = target.apply(current).nextVersion();
            if (cas(store, current.version(), next).isEmpty()) {
                see(new View(next, config.clock().millis(), store));
                transitioned(current.state(), next);
                return;
            }
        }
        throw new IllegalStateException("circuit '" + name + "': could not change its state after " + MAX_ATTEMPTS
                + " contended attempts");
    }

    /**
     * Reads the shared state now (one round trip).
     *
     * @return the current state
     */
    public CircuitBreaker.State state() {
        long now = config.clock().millis();
        CircuitStateStore store = activeStore(now);
        View v = new View(load(store), now, store);
        see(v);
        return v.state.state();
    }

    /** @return this instance's counters and its latest view of the shared state (no round trip); see {@link CircuitBreakerMetrics} */
    public CircuitBreakerMetrics metrics() {
        View v = view.get();
        CircuitState s = v == null ? CircuitState.initial() : v.state;
        long ok = successes.sum();
        long failed = failures.sum();
        long skipped = ignored.sum();
        int buffered = s.bufferedCalls();
        boolean enough = config.failureDetection() != CircuitBreakerConfig.FailureDetection.CONSECUTIVE_FAILURES
                && buffered > 0 && buffered >= config.minimumCalls();
        return new CircuitBreakerMetrics(s.state(), enough ? s.failureRate() : -1, enough ? s.slowCallRate() : -1, buffered,
                ok + failed + skipped, rejected.sum(), ok, failed, skipped, slowCalls.sum(), roundTrips.sum(), storeErrors.sum());
    }

    // ---- store access ------------------------------------------------------------------------

    /**
     * Keeps the newest view: threads of one JVM finish their round trips out of order, and an
     * older state must never replace a newer one (a stale CLOSED view would let calls through).
     */
    private void see(View seen) {
        view.accumulateAndGet(seen, (current, candidate) -> {
            if (current == null || current.store != candidate.store) {
                return candidate;
            }
            if (!candidate.state.epoch().equals(current.state.epoch())) {
                // the store lost the state and started again (restart, eviction, failover): versions of two
                // histories do not compare; the later read wins, so no instance goes on ignoring the store
                return candidate.seenAt >= current.seenAt ? candidate : current;
            }
            long cv = current.state.version();
            long nv = candidate.state.version();
            return nv > cv || (nv == cv && candidate.seenAt >= current.seenAt) ? candidate : current;
        });
    }

    private CircuitStateStore activeStore(long now) {
        return sharedStoreOutage.isUp(now) ? shared : local;
    }

    private CircuitState load(CircuitStateStore store) {
        roundTrips.increment();
        return store.load(name).orElseGet(CircuitState::initial);
    }

    private Optional<CircuitState> cas(CircuitStateStore store, long expected, CircuitState next) {
        roundTrips.increment();
        return store.compareAndSet(name, expected, next);
    }

    /** Applies the store-failure policy; returns a rejection, throws, or returns null to go on locally. */
    private CallNotPermittedException storeFailed(RuntimeException error, boolean beforeCall) {
        storeErrors.increment();
        try {
            config.listener().onStoreError(name, error); // every store error, whatever the policy
        } catch (RuntimeException listenerError) {
            LOG.warn("circuit '{}': listener failed on store error", name, listenerError);
        }
        view.set(null);
        CircuitBreakerConfig.StoreFailurePolicy policy = config.storeFailurePolicy();
        if (policy == CircuitBreakerConfig.StoreFailurePolicy.FALLBACK_TO_LOCAL) {
            // only this policy moves to the local breaker; REJECT and THROW try the store again on the next call
            sharedStoreOutage.markDown(config.clock().millis(), config.storeRetryInterval());
        }
        LOG.warn("circuit '{}': {} failed ({}); policy {}{}", name, shared.describe(), error.toString(), policy,
                policy == CircuitBreakerConfig.StoreFailurePolicy.FALLBACK_TO_LOCAL ? " for the next " + config.storeRetryInterval() : "");
        if (!beforeCall) {
            return null; // the call already ran: never fail it for the store
        }
        switch (policy) {
            case REJECT:
                return CallNotPermittedException.storeUnreachable(name, shared.describe(), error);
            case THROW:
                throw new CircuitBreakerStoreException("circuit '" + name + "': its store (" + shared.describe()
                        + ") failed: " + error, error);
            default:
                return null;
        }
    }

    /** A recorded outcome changed the state: report a transition, or a threshold crossed in METRICS_ONLY. */
    private void recorded(CircuitState before, CircuitState after) {
        if (before.state() == State.METRICS_ONLY && after.state() == State.METRICS_ONLY) {
            long now = config.clock().millis();
            String crossed = transitions.exceeded(after, now);
            if (crossed != null && transitions.exceeded(before, now) == null) {
                exceeded(crossed, after);
            }
            return;
        }
        transitioned(before.state(), after);
    }

    private void transitioned(CircuitBreaker.State from, CircuitState to) {
        if (from == to.state()) {
            return;
        }
        String reason = to.openReason().map(r -> " (" + r + ")").orElse("");
        LOG.info("circuit '{}': {} -> {}{}", name, from, to.state(), reason);
        try {
            config.listener().onStateTransition(name, from, to.state());
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on transition {} -> {}", name, from, to.state(), e);
        }
        if (from == State.CLOSED && to.state() == State.OPEN) {
            exceeded(to.window(), to);
        }
    }

    /** Tells the listener which rate threshold was reached, from a reason text ({@link Window#reason}). */
    private void exceeded(String reason, CircuitState state) {
        try {
            if (reason.startsWith(Window.OPENED + "failure-rate:")) {
                config.listener().onFailureRateExceeded(name, Float.parseFloat(reason.substring((Window.OPENED + "failure-rate:").length())));
            } else if (reason.startsWith(Window.OPENED + "slow-call-rate:")) {
                config.listener().onSlowCallRateExceeded(name,
                        Float.parseFloat(reason.substring((Window.OPENED + "slow-call-rate:").length())));
            }
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on a threshold reached ({})", name, state, e);
        }
    }

    private void notifyRejected(CallNotPermittedException rejection) {
        try {
            config.listener().onCallRejected(name, rejection.state(), rejection.nextProbeAt().orElse(null));
        } catch (RuntimeException e) {
            LOG.warn("circuit '{}': listener failed on a rejected call", name, e);
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker{" + name + ", " + shared.describe() + '}';
    }

    /**
     * Warms the shared store for a SnapStart snapshot ({@link CircuitStateStore#prime()}: one read
     * of a circuit that is never stored, which opens the client's connection and loads the read
     * path); nothing is written, the protected call is not made and the metrics do not change.
     *
     * @throws CircuitBreakerStoreException when the shared store cannot be reached
     */
    @Override
    public void prime() {
        shared.prime();
    }

    /**
     * After a SnapStart restore: the view of the shared state is dropped (it is from before the
     * snapshot; the next call reads the store), the local fallback forgotten, the backoff jitter
     * reseeded and the store's connection renewed ({@link CircuitStateStore#afterRestore()}).
     * Lifetime counters are kept.
     */
    @Override
    public void afterRestore() {
        Randomness.reseed();
        view.set(null);
        pendingSuccesses.set(0);
        sharedStoreOutage.reset();
        local.reset(name);
        shared.afterRestore();
    }
}
