package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.metrics.Metrics;
import io.github.serverlesspatterns.core.internal.NameRule;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.Codec;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Immutable configuration of a {@link CacheAside}. Defaults: TTL 5 minutes with 10% random
 * jitter, absent values cached for 30 seconds, stampede protection by a short Redis lock, no near
 * cache, and the store skipped for 5 seconds after an error that shows it unreachable (the command
 * timeout is the store's: {@link io.github.serverlesspatterns.cache.redis.RedisCacheStore.Builder#timeout}).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class CacheConfig<K, V> {

    /** A cache's name: a part of its Redis keys and a metrics dimension. */
    private static final NameRule NAME = new NameRule("cache name", "._-:", 64);

    /** Default TTL: 5 minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** Default TTL jitter: 10% (each write's TTL is scaled by a random factor in [0.9, 1.1]). */
    public static final double DEFAULT_JITTER = 0.1;
    /** Default TTL of a cached absence: 30 seconds. */
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);
    /** Default lock lease in LOCK mode: 5 seconds. */
    public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(5);
    /** Default wait for another instance's load in LOCK mode: 2 seconds. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(2);
    /** Default pause before the store is tried again after it proved unreachable: 5 seconds. */
    public static final Duration DEFAULT_STORE_RETRY = Duration.ofSeconds(5);

    /** How a hot key's expiry is kept from sending every instance to the database at once. */
    public enum StampedeProtection {
        /** Only in-JVM single flight. */
        NONE,
        /** A short Redis lock ({@code SET NX PX}): one instance loads, the others wait for its value. */
        LOCK,
        /** Probabilistic early recomputation (XFetch, Vattani et al., VLDB 2015): one caller refreshes before expiry. */
        XFETCH
    }

    private final String name;
    private final Function<K, String> keyToString;
    private final Codec<V> codec;
    private final Duration ttl;
    private final double jitter;
    private final Duration negativeTtl;
    private final StampedeProtection stampede;
    private final Duration lockLease;
    private final Duration lockWait;
    private final double xfetchBeta;
    private final int nearCacheSize;
    private final Duration nearCacheTtl;
    private final Duration storeRetry;
    private final Clock clock;
    private final Ticker ticker;
    private final Function<K, Set<String>> tags;
    private final Metrics metrics;

    private CacheConfig(Builder<K, V> b) {
        this.name = b.name;
        this.keyToString = b.keyToString;
        this.codec = b.codec;
        this.ttl = b.ttl;
        this.jitter = b.jitter;
        this.negativeTtl = b.negativeTtl;
        this.stampede = b.stampede;
        this.lockLease = b.lockLease;
        this.lockWait = b.lockWait;
        this.xfetchBeta = b.xfetchBeta;
        this.nearCacheSize = b.nearCacheSize;
        this.nearCacheTtl = b.nearCacheTtl;
        this.storeRetry = b.storeRetry;
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.tags = b.tags;
        this.metrics = b.metrics;
    }

    /**
     * @param name        prefixes every Redis key and names the invalidation channel (1 to 64 of {@code A-Z a-z 0-9 . _ - :})
     * @param keyToString turns a key into the Redis key suffix
     * @param codec       encodes values
     * @param <K>         key type
     * @param <V>         value type
     * @return a builder with the defaults
     */
    public static <K, V> Builder<K, V> builder(String name, Function<K, String> keyToString, Codec<V> codec) {
        return new Builder<>(name, keyToString, codec);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the key function */
    public Function<K, String> keyToString() {
        return keyToString;
    }

    /** @return the value codec */
    public Codec<V> codec() {
        return codec;
    }

    /** @return the TTL; default 5 minutes */
    public Duration ttl() {
        return ttl;
    }

    /** @return the TTL jitter fraction; default 0.1 */
    public double jitter() {
        return jitter;
    }

    /** @return the TTL of a cached absence; zero turns negative caching off; default 30 s */
    public Duration negativeTtl() {
        return negativeTtl;
    }

    /** @return the stampede protection; default LOCK */
    public StampedeProtection stampede() {
        return stampede;
    }

    /** @return the lock lease; default 5 s */
    public Duration lockLease() {
        return lockLease;
    }

    /** @return the wait for another instance's load; default 2 s */
    public Duration lockWait() {
        return lockWait;
    }

    /** @return the XFetch beta (above 1 recomputes earlier); default 1 */
    public double xfetchBeta() {
        return xfetchBeta;
    }

    /** @return the near cache size; 0 (default) for none */
    public int nearCacheSize() {
        return nearCacheSize;
    }

    /** @return the near cache TTL; default 10 s */
    public Duration nearCacheTtl() {
        return nearCacheTtl;
    }

    /** @return how long the store is skipped after it proved unreachable; default 5 s */
    public Duration storeRetry() {
        return storeRetry;
    }

    /** @return the clock; default the system UTC clock */
    public Clock clock() {
        return clock;
    }

    /** @return the source of elapsed time for the lock wait and the load timings; default {@link Ticker#system()} */
    public Ticker ticker() {
        return ticker;
    }

    /** @return the tags of a key (for {@link CacheAside#invalidateTag}); default none */
    public Function<K, Set<String>> tags() {
        return tags;
    }

    /** @return where the cache reports what it does; default {@code Metrics.none()} */
    public Metrics metrics() {
        return metrics;
    }

    /**
     * Builder of {@link CacheConfig}. Not thread-safe.
     *
     * @param <K> key type
     * @param <V> value type
     */
    public static final class Builder<K, V> {
        private final String name;
        private final Function<K, String> keyToString;
        private final Codec<V> codec;
        private Duration ttl = DEFAULT_TTL;
        private double jitter = DEFAULT_JITTER;
        private Duration negativeTtl = DEFAULT_NEGATIVE_TTL;
        private StampedeProtection stampede = StampedeProtection.LOCK;
        private Duration lockLease = DEFAULT_LOCK_LEASE;
        private Duration lockWait = DEFAULT_LOCK_WAIT;
        private double xfetchBeta = 1.0;
        private int nearCacheSize;
        private Duration nearCacheTtl = Duration.ofSeconds(10);
        private Duration storeRetry = DEFAULT_STORE_RETRY;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private Function<K, Set<String>> tags = k -> Set.of();
        private Metrics metrics = Metrics.none();

        private Builder(String name, Function<K, String> keyToString, Codec<V> codec) {
            this.name = NAME.check(name);
            this.keyToString = Objects.requireNonNull(keyToString, "keyToString");
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        private static Duration positive(Duration d, String what) {
            return Checks.positive(d, what);
        }

        /**
         * @param ttl    how long a value stays in Redis
         * @param jitter fraction 0 to 0.5 by which each write's TTL is randomly scaled, so keys do not expire together
         * @return this builder
         */
        public Builder<K, V> ttl(Duration ttl, double jitter) {
            this.ttl = positive(ttl, "ttl");
            if (!(jitter >= 0 && jitter <= 0.5)) {
                throw new IllegalArgumentException("jitter must be from 0 to 0.5: " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * @param negativeTtl how long "absent" (the loader returned null) is cached; zero turns it off
         * @return this builder
         */
        public Builder<K, V> negativeTtl(Duration negativeTtl) {
            Objects.requireNonNull(negativeTtl, "negativeTtl");
            if (negativeTtl.isNegative()) {
                throw new IllegalArgumentException("negativeTtl must not be negative: " + negativeTtl);
            }
            this.negativeTtl = negativeTtl;
            return this;
        }

        /**
         * @param stampede the cross-instance stampede protection
         * @return this builder
         */
        public Builder<K, V> stampede(StampedeProtection stampede) {
            this.stampede = Objects.requireNonNull(stampede, "stampede");
            return this;
        }

        /**
         * @param lease how long a load lock is held at most
         * @param wait  how long other instances wait for the value before loading themselves
         * @return this builder
         */
        public Builder<K, V> lock(Duration lease, Duration wait) {
            this.lockLease = positive(lease, "lease");
            this.lockWait = positive(wait, "wait");
            return this;
        }

        /**
         * @param beta XFetch's beta, above 0 (1 is the paper's optimum; larger refreshes earlier)
         * @return this builder
         */
        public Builder<K, V> xfetchBeta(double beta) {
            if (!(beta > 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be positive: " + beta);
            }
            this.xfetchBeta = beta;
            return this;
        }

        /**
         * @param size entries kept in this JVM (0 turns the near cache off)
         * @param ttl  how long a near entry lives; invalidations over Redis pub/sub remove it sooner
         * @return this builder
         */
        public Builder<K, V> nearCache(int size, Duration ttl) {
            if (size < 0) {
                throw new IllegalArgumentException("near cache size must not be negative: " + size);
            }
            this.nearCacheSize = size;
            this.nearCacheTtl = positive(ttl, "ttl");
            return this;
        }

        /**
         * @param retry how long the store is skipped (the loader answers alone) after an error that
         *              shows it unreachable (refused, dropped, timed out); default 5 s
         * @return this builder
         */
        public Builder<K, V> storeRetry(Duration retry) {
            this.storeRetry = positive(retry, "retry");
            return this;
        }

        /**
         * @param tags the tags of a key (e.g. its customer), so that {@link CacheAside#invalidateTag}
         *             drops every key with a tag at once
         * @return this builder
         */
        public Builder<K, V> tags(Function<K, Set<String>> tags) {
            this.tags = Objects.requireNonNull(tags, "tags");
            return this;
        }

        /**
         * @param clock the clock
         * @return this builder
         */
        public Builder<K, V> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param ticker the source of elapsed time for the wait for another instance's load (its
         *               polls pause through it) and the load timings; tests give one they move by hand
         * @return this builder
         */
        public Builder<K, V> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Reports what the cache does, under pattern {@code cache} and the cache's name: counts
         * {@code NearHits}, {@code Hits}, {@code Misses}, {@code Loads}, {@code Invalidations},
         * {@code OvertakenLoads}, {@code RedisErrors}, {@code RedisSkipped}, and the duration
         * {@code LoadTime} of each load. Default {@code Metrics.none()}.
         *
         * @param metrics e.g. {@code EmfMetrics.create("Reports")}
         * @return this builder
         */
        public Builder<K, V> metrics(Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * @return the config
         * @throws IllegalStateException if the lock wait is not shorter than the lock lease
         */
        public CacheConfig<K, V> build() {
            if (lockWait.compareTo(lockLease) > 0) {
                throw new IllegalStateException("lock wait (" + lockWait + ") must not exceed the lock lease (" + lockLease + ")");
            }
            return new CacheConfig<>(this);
        }
    }
}
