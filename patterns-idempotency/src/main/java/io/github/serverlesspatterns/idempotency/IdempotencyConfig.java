package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.NameRule;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.metrics.Metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The immutable configuration of one {@link Idempotency} decorator. Build it with
 * {@link #builder(String, Function, Codec)}; setters validate at once (NPE naming the parameter,
 * IAE showing the bad value).
 *
 * <pre>{@code
 * IdempotencyConfig<Order, Receipt> config = IdempotencyConfig
 *         .builder("orders", Order::orderId, JacksonCodec.of(mapper, Receipt.class))
 *         .payload(order -> order.lines().toString())    // same key, other lines: mismatch error
 *         .completedExpiry(Duration.ofHours(24))
 *         .build();
 * }</pre>
 *
 * @param <I> the handler's input type
 * @param <O> the handler's output type
 */
public final class IdempotencyConfig<I, O> {

    /** A scope's name: the prefix of its store keys, which use ':' as their separator, so it has none. */
    private static final NameRule NAME = new NameRule("idempotency name", "._-", 64);

    /** Default expiry of a COMPLETED record: 1 hour. */
    public static final Duration DEFAULT_COMPLETED_EXPIRY = Duration.ofHours(1);
    /** Default local cache size: 0, no local cache. */
    public static final int DEFAULT_LOCAL_CACHE_SIZE = 0;
    /** Default wait for an in-progress duplicate: zero, reject it at once. */
    public static final Duration DEFAULT_IN_PROGRESS_WAIT = Duration.ZERO;
    /** First pause while waiting for an in-progress duplicate: 20 ms, doubling up to {@link #MAX_WAIT_BACKOFF}. */
    public static final Duration INITIAL_WAIT_BACKOFF = Duration.ofMillis(20);
    /** Longest pause between polls while waiting: 500 ms. */
    public static final Duration MAX_WAIT_BACKOFF = Duration.ofMillis(500);

    /** What to do with an input whose key function returns no key. */
    public enum MissingKeyPolicy {
        /** Throw {@link IdempotencyKeyMissingException}; the handler does not run (the default). */
        REJECT,
        /** Log a warning and run the handler without idempotency. */
        RUN_UNPROTECTED
    }

    private final String name;
    private final Function<? super I, String> key;
    private final Codec<O> resultCodec;
    private final Function<? super I, String> payload;
    private final Duration completedExpiry;
    private final MissingKeyPolicy missingKeyPolicy;
    private final Duration inProgressWait;
    private final boolean releaseOnFailure;
    private final int localCacheSize;
    private final Metrics metrics;
    private final Clock clock;
    private final Ticker ticker;
    private final Function<? super I, String> scope;
    private final boolean sharedAcrossFunctions;
    private final Predicate<? super O> storeResultIf;
    private final BiFunction<O, IdempotencyRecord, O> responseHook;

    private IdempotencyConfig(Builder<I, O> b) {
        this.scope = b.scope;
        this.sharedAcrossFunctions = b.sharedAcrossFunctions;
        this.storeResultIf = b.storeResultIf;
        this.responseHook = b.responseHook;
        this.name = b.name;
        this.key = b.key;
        this.resultCodec = b.resultCodec;
        this.payload = b.payload;
        this.completedExpiry = b.completedExpiry;
        this.missingKeyPolicy = b.missingKeyPolicy;
        this.inProgressWait = b.inProgressWait;
        this.releaseOnFailure = b.releaseOnFailure;
        this.localCacheSize = b.localCacheSize;
        this.metrics = b.metrics;
        this.clock = b.clock;
        this.ticker = b.ticker;
    }

    /**
     * Starts a config.
     *
     * @param name        names this use of idempotency; prefixes every stored key and appears in
     *                    errors (1 to 64 of {@code A-Z a-z 0-9 . _ -})
     * @param key         the idempotency key of an input (e.g. an order id or a message id);
     *                    {@code null} or blank means "no key"
     * @param resultCodec encodes results for replay
     * @param <I>         input type
     * @param <O>         output type
     * @return the builder
     */
    public static <I, O> Builder<I, O> builder(String name, Function<? super I, String> key, Codec<O> resultCodec) {
        return new Builder<>(name, key, Objects.requireNonNull(resultCodec, "resultCodec"));
    }

    /**
     * Starts a config that keeps no results: for handlers that return nothing ({@code Void}) or
     * whose duplicates need no result. The record is kept (COMPLETED, without a result) and
     * duplicates get {@code null} (or the {@linkplain Builder#responseHook response hook}'s value).
     *
     * @param name names this use of idempotency (see {@link #builder(String, Function, Codec)})
     * @param key  the idempotency key of an input
     * @param <I>  input type
     * @param <O>  output type
     * @return the builder
     */
    public static <I, O> Builder<I, O> builderWithoutResult(String name, Function<? super I, String> key) {
        return new Builder<>(name, key, null);
    }

    /** @return a builder with this config's values */
    public Builder<I, O> toBuilder() {
        Builder<I, O> b = new Builder<>(name, key, resultCodec);
        b.scope = scope;
        b.sharedAcrossFunctions = sharedAcrossFunctions;
        b.storeResultIf = storeResultIf;
        b.responseHook = responseHook;
        b.payload = payload;
        b.completedExpiry = completedExpiry;
        b.missingKeyPolicy = missingKeyPolicy;
        b.inProgressWait = inProgressWait;
        b.releaseOnFailure = releaseOnFailure;
        b.localCacheSize = localCacheSize;
        b.metrics = metrics;
        b.clock = clock;
        b.ticker = ticker;
        return b;
    }

    /** @return the name; prefixes stored keys */
    public String name() {
        return name;
    }

    /** @return the key function */
    public Function<? super I, String> key() {
        return key;
    }

    /** @return the scope function (caller or tenant), or {@code null} when keys are not scoped (the default) */
    public Function<? super I, String> scope() {
        return scope;
    }

    /** @return whether functions of other names share these records; default {@code false} */
    public boolean sharedAcrossFunctions() {
        return sharedAcrossFunctions;
    }

    /** @return which results are kept for replay, or {@code null} for all (the default) */
    public Predicate<? super O> storeResultIf() {
        return storeResultIf;
    }

    /** @return what replays pass through, or {@code null} (the default) */
    public BiFunction<O, IdempotencyRecord, O> responseHook() {
        return responseHook;
    }

    /** @return the result codec, or {@code null} for a config {@linkplain #builderWithoutResult without results} */
    public Codec<O> resultCodec() {
        return resultCodec;
    }

    /** @return the payload function for validation, or {@code null} when validation is off (the default) */
    public Function<? super I, String> payload() {
        return payload;
    }

    /** @return how long a COMPLETED record is kept; default {@link #DEFAULT_COMPLETED_EXPIRY} */
    public Duration completedExpiry() {
        return completedExpiry;
    }

    /** @return the missing key policy; default {@link MissingKeyPolicy#REJECT} */
    public MissingKeyPolicy missingKeyPolicy() {
        return missingKeyPolicy;
    }

    /** @return how long a duplicate waits for an in-progress call; default zero (reject at once) */
    public Duration inProgressWait() {
        return inProgressWait;
    }

    /** @return whether a handler exception deletes the record so a retry runs again; default {@code true} */
    public boolean releaseOnFailure() {
        return releaseOnFailure;
    }

    /** @return the local cache size; default 0 (off) */
    public int localCacheSize() {
        return localCacheSize;
    }

    /** @return where the decorator reports what it does; default {@code Metrics.none()} */
    public Metrics metrics() {
        return metrics;
    }

    /** @return the clock; default the system UTC clock */
    public Clock clock() {
        return clock;
    }

    /** @return the source of elapsed time for the in-progress wait and the store timings; default {@link Ticker#system()} */
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public String toString() {
        return "IdempotencyConfig{name=" + name + ", validation=" + (payload != null) + ", completedExpiry=" + completedExpiry
                + ", missingKeyPolicy=" + missingKeyPolicy + ", inProgressWait=" + inProgressWait
                + ", releaseOnFailure=" + releaseOnFailure + ", localCacheSize=" + localCacheSize + '}';
    }

    /**
     * Builder of {@link IdempotencyConfig}. Not thread-safe.
     *
     * @param <I> input type
     * @param <O> output type
     */
    public static final class Builder<I, O> {
        private final String name;
        private final Function<? super I, String> key;
        private final Codec<O> resultCodec;
        private Function<? super I, String> payload;
        private Duration completedExpiry = DEFAULT_COMPLETED_EXPIRY;
        private MissingKeyPolicy missingKeyPolicy = MissingKeyPolicy.REJECT;
        private Duration inProgressWait = DEFAULT_IN_PROGRESS_WAIT;
        private boolean releaseOnFailure = true;
        private int localCacheSize = DEFAULT_LOCAL_CACHE_SIZE;
        private Metrics metrics = Metrics.none();
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private Function<? super I, String> scope;
        private boolean sharedAcrossFunctions;
        private Predicate<? super O> storeResultIf;
        private BiFunction<O, IdempotencyRecord, O> responseHook;

        private Builder(String name, Function<? super I, String> key, Codec<O> resultCodec) {
            this.name = NAME.check(name);
            this.key = Objects.requireNonNull(key, "key");
            this.resultCodec = resultCodec;
        }

        /**
         * Scopes every key to a caller or tenant: the scope is part of the stored key, so a key
         * presented by another caller is another record, and a replay never hands one caller's
         * result to another. Use the authenticated identity (an authorizer's principal, a tenant
         * id from a verified token), never a value the caller merely asserts. An input without a
         * scope is treated like one without a key ({@link MissingKeyPolicy}).
         *
         * @param scope the caller or tenant of an input
         * @return this builder
         */
        public Builder<I, O> scope(Function<? super I, String> scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /**
         * By default the function's name (from the invocation) is part of the stored key, so two
         * functions that use the same config name never share records by accident (one would
         * replay the other's result without running). Share them on purpose with this.
         *
         * @param shared {@code true} to share records with functions of other names
         * @return this builder
         */
        public Builder<I, O> sharedAcrossFunctions(boolean shared) {
            this.sharedAcrossFunctions = shared;
            return this;
        }

        /**
         * Keeps only results that pass {@code predicate}; for the others the claim is released as
         * if the handler had failed, so the next call with the key runs again. For results that
         * mean "not done", such as a 4xx response to a bad request: kept, it would be replayed to
         * the corrected request.
         *
         * @param predicate which results to keep
         * @return this builder
         */
        public Builder<I, O> storeResultIf(Predicate<? super O> predicate) {
            this.storeResultIf = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * Passes every replayed result (not first results) through {@code hook}, with the record it
         * came from: e.g. to add an {@code Idempotent-Replayed: true} header.
         *
         * @param hook the replayed result and its record to the result returned
         * @return this builder
         */
        public Builder<I, O> responseHook(BiFunction<O, IdempotencyRecord, O> hook) {
            this.responseHook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Turns on payload validation: a call that reuses a key with a different payload part
         * raises {@link IdempotencyPayloadMismatchException} and runs nothing. Only a SHA-256
         * hash of the part is stored.
         *
         * @param payload the part of the input that must match (e.g. the request body)
         * @return this builder
         */
        public Builder<I, O> payload(Function<? super I, String> payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        /**
         * @param completedExpiry how long a COMPLETED record is kept (at least 1 second)
         * @return this builder
         */
        public Builder<I, O> completedExpiry(Duration completedExpiry) {
            Objects.requireNonNull(completedExpiry, "completedExpiry");
            if (completedExpiry.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("completedExpiry must be at least 1 second: " + completedExpiry);
            }
            this.completedExpiry = completedExpiry;
            return this;
        }

        /**
         * @param missingKeyPolicy what to do when the key function returns no key
         * @return this builder
         */
        public Builder<I, O> missingKeyPolicy(MissingKeyPolicy missingKeyPolicy) {
            this.missingKeyPolicy = Objects.requireNonNull(missingKeyPolicy, "missingKeyPolicy");
            return this;
        }

        /**
         * Makes a duplicate that finds the key IN_PROGRESS wait (polling with backoff from
         * {@link #INITIAL_WAIT_BACKOFF} to {@link #MAX_WAIT_BACKOFF}, never past the invocation's
         * deadline) and replay the result when the first call completes. If the first call fails
         * and releases the key, the waiting duplicate claims it and runs.
         *
         * @param maxWait the longest wait; zero turns waiting off
         * @return this builder
         */
        public Builder<I, O> waitForInProgress(Duration maxWait) {
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
            }
            this.inProgressWait = maxWait;
            return this;
        }

        /**
         * @param releaseOnFailure {@code true} (the default) deletes the record when the handler
         *                         throws, so the retry runs again; {@code false} keeps it IN_PROGRESS
         *                         until the invocation's deadline
         * @return this builder
         */
        public Builder<I, O> releaseOnFailure(boolean releaseOnFailure) {
            this.releaseOnFailure = releaseOnFailure;
            return this;
        }

        /**
         * Reports what the decorator does, under pattern {@code idempotency} and this config's name:
         * counts {@code Claims} (first runs), {@code Replays}, {@code InProgressRejections},
         * {@code PayloadMismatches}, {@code MissingKeys}, {@code StoreErrors}, and the duration
         * {@code StoreLatency} of each store call. Default {@code Metrics.none()}: nothing.
         *
         * @param metrics e.g. {@code EmfMetrics.create("Orders")}
         * @return this builder
         */
        public Builder<I, O> metrics(Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Keeps up to {@code size} COMPLETED records in a bounded, thread-safe in-process cache
         * (least recently used evicted first; expiry honoured), so a repeat on the same instance
         * costs no store call.
         *
         * @param size the most records kept; 0 turns the cache off
         * @return this builder
         */
        public Builder<I, O> localCache(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("local cache size must not be negative: " + size);
            }
            this.localCacheSize = size;
            return this;
        }

        /**
         * @param clock the clock for expiries
         * @return this builder
         */
        public Builder<I, O> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param ticker the source of elapsed time for the wait for an in-progress duplicate (its
         *               pauses go through it) and the store timings; tests give one they move by hand
         * @return this builder
         */
        public Builder<I, O> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return the config */
        public IdempotencyConfig<I, O> build() {
            return new IdempotencyConfig<>(this);
        }
    }
}
