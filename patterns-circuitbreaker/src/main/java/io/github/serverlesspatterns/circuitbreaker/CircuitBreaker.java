package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.Randomness;
import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.internal.NameRule;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

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
    /** Compare-and-set attempts before giving up on a contended circuit. */
    static final int MAX_ATTEMPTS = 16;

    private final String name;
    private final CircuitStateStore shared;
    private final CircuitBreakerConfig config;
    private final Transitions transitions;
    /** Whether calls are timed: for slow-call detection, or for a listener's outcome events. */
    private final boolean timed;
    /** Measures each call's duration (monotonic: a wall-clock step never makes a call slow). */
    private final Ticker ticker;
    /** A call longer than this is slow; {@code Long.MAX_VALUE} without a slow-call duration. */
    private final long slowCallNanos;
    // the parts, one concern each: the newest view of the shared state, which store and what its errors do,
    // writing outcomes, telling the listener
    private final SharedView view;
    private final StoreFailover stores;
    private final OutcomeRecorder outcomes;
    private final Notifier notifier;

    private final LongAdder rejected = new LongAdder();
    private final LongAdder slowCalls = new LongAdder();

    private static final int PROBE = Permit.PROBE;
    private static final int ROUND_TRIP = Permit.ROUND_TRIP;

    private CircuitBreaker(String name, CircuitStateStore store, CircuitBreakerConfig config) {
        this.name = name;
        this.shared = store;
        this.config = config;
        this.transitions = new Transitions(config);
        LongSupplier millis = () -> config.clock().millis();
        this.notifier = new Notifier(name, config.listener(), transitions, millis);
        this.view = new SharedView(config);
        this.stores = new StoreFailover(name, store, config, notifier, view);
        this.outcomes = new OutcomeRecorder(name, config, transitions, millis, view, stores, notifier);
        this.timed = config.slowCallDuration() != null || notifier.listening();
        this.ticker = config.ticker();
        this.slowCallNanos = config.slowCallDuration() == null ? Long.MAX_VALUE : config.slowCallDuration().toNanos();
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
            outcomes.record(flags, null, config.recordResult().test(result) ? Transitions.Outcome.FAILURE : Transitions.Outcome.SUCCESS);
            return result;
        }
        return callOtherwise(permit, handler, fallback, input, invocation);
    }

    /** Rejections, probes, and calls timed for slow-call detection or a listener. */
    private <I, O> O callOtherwise(Permit permit, Handler<I, O> handler, Fallback<I, O> fallback, I input, Invocation invocation) {
        if (permit.rejection != null) {
            CallNotPermittedException rejection = permit.rejection;
            rejected.increment();
            notifier.rejected(rejection);
            if (fallback != null) {
                return fallback.apply(input, invocation, rejection);
            }
            throw rejection;
        }
        int flags = permit.flags;
        CircuitStateStore probeStore = permit.probeStore;
        long start = timed ? ticker.nanoTime() : 0;
        O result;
        try {
            result = handler.handle(input, invocation);
        } catch (Throwable e) {
            throw failed(flags, probeStore, e, timed ? ticker.nanoTime() - start : 0);
        }
        long elapsed = timed ? ticker.nanoTime() - start : 0;
        Transitions.Outcome outcome = withSlowness(config.recordResult().test(result) ? Transitions.Outcome.FAILURE
                : Transitions.Outcome.SUCCESS, elapsed);
        notifier.outcome(outcome, elapsed, null);
        if ((flags & PROBE) != 0) {
            notifier.probe(outcome, elapsed);
        }
        outcomes.record(flags, probeStore, outcome);
        return result;
    }

    /** Counts what a call threw (the outcome first, then any transition it causes) and returns it to be rethrown unchanged. */
    private RuntimeException failed(int flags, CircuitStateStore probeStore, Throwable e, long elapsedNanos) {
        Transitions.Outcome outcome = withSlowness(config.ignoreException().test(e) ? Transitions.Outcome.IGNORED
                : config.recordException().test(e) ? Transitions.Outcome.FAILURE : Transitions.Outcome.SUCCESS, elapsedNanos);
        notifier.outcome(outcome, elapsedNanos, e);
        if ((flags & PROBE) != 0) {
            notifier.probe(outcome, elapsedNanos);
        }
        outcomes.record(flags, probeStore, outcome);
        return Failures.rethrow(e);
    }

    /**
     * A slow call is a failure (with {@code slowCallDuration} alone) or a slow success or failure
     * of its own (with {@code slowCallRate}). Ignored calls stay ignored.
     */
    private Transitions.Outcome withSlowness(Transitions.Outcome outcome, long elapsedNanos) {
        if (outcome == Transitions.Outcome.IGNORED || elapsedNanos <= slowCallNanos) { // MAX_VALUE when calls are not timed
            return outcome;
        }
        slowCalls.increment();
        if (config.slowCallRateThreshold() < 0) {
            return Transitions.Outcome.FAILURE;
        }
        return outcome.failed() ? Transitions.Outcome.SLOW_FAILURE : Transitions.Outcome.SLOW_SUCCESS;
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
            SharedView.View v;
            try {
                SharedView.View before = view.get();
                v = viewForAcquire(now);
                if (v != before) {
                    flags |= ROUND_TRIP;
                }
            } catch (RuntimeException storeError) {
                CallNotPermittedException verdict = stores.failed(storeError, true);
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
                conflict = stores.cas(v.store, v.state.version(), next);
            } catch (RuntimeException storeError) {
                CallNotPermittedException verdict = stores.failed(storeError, true);
                if (verdict != null) {
                    return Permit.rejected(verdict);
                }
                continue;
            }
            if (conflict.isEmpty()) {
                view.see(new SharedView.View(next, now, v.store));
                notifier.transitioned(v.state.state(), next);
                return Permit.probe(flags, v.store);
            }
            view.see(new SharedView.View(conflict.get(), now, v.store));
        }
        LOG.warn("circuit '{}': permission still contended after {} attempts; rejecting this call", name, MAX_ATTEMPTS);
        return Permit.rejected(rejection(view.stateOrInitial()));
    }

    private SharedView.View viewForAcquire(long now) {
        CircuitStateStore store = stores.active(now);
        SharedView.View trusted = view.trusted(store, now);
        if (trusted != null) {
            return trusted;
        }
        SharedView.View loaded = new SharedView.View(stores.load(store), now, store);
        view.see(loaded);
        return loaded;
    }

    private CallNotPermittedException rejection(CircuitState s) {
        return CallNotPermittedException.rejected(name, s, config.permittedProbes());
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
        notifier.reset();
    }

    private void setByHand(UnaryOperator<CircuitState> target) {
        CircuitStateStore store = stores.active(config.clock().millis());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CircuitState current = stores.load(store);
            CircuitState next = target.apply(current).nextVersion();
            if (stores.cas(store, current.version(), next).isEmpty()) {
                view.see(new SharedView.View(next, config.clock().millis(), store));
                notifier.transitioned(current.state(), next);
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
        CircuitStateStore store = stores.active(now);
        SharedView.View v = new SharedView.View(stores.load(store), now, store);
        view.see(v);
        return v.state.state();
    }

    /** @return this instance's counters and its latest view of the shared state (no round trip); see {@link CircuitBreakerMetrics} */
    public CircuitBreakerMetrics metrics() {
        CircuitState s = view.stateOrInitial();
        long ok = outcomes.successes();
        long failed = outcomes.failures();
        long skipped = outcomes.ignored();
        int buffered = s.bufferedCalls();
        boolean enough = config.failureDetection() != CircuitBreakerConfig.FailureDetection.CONSECUTIVE_FAILURES
                && buffered > 0 && buffered >= config.minimumCalls();
        return new CircuitBreakerMetrics(s.state(), enough ? s.failureRate() : -1, enough ? s.slowCallRate() : -1, buffered,
                ok + failed + skipped, rejected.sum(), ok, failed, skipped, slowCalls.sum(), stores.roundTrips(), stores.storeErrors());
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
        view.drop();
        outcomes.afterRestore();
        stores.afterRestore();
        shared.afterRestore();
    }
}
