package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.internal.Digests;
import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.BoundedCache;
import io.github.serverlesspatterns.core.DeadlineExceededException;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.Randomness;
import io.github.serverlesspatterns.cache.redis.RedisCacheStore;
import io.lettuce.core.AbstractRedisClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Cache-aside over Redis (or another {@link CacheStore}) around a loader (a {@link Handler} from
 * key to value, e.g. a database query): the catalogue's Read Heavy Reporting Engine.
 *
 * <pre>{@code
 * CacheAside<String, Report> cache = CacheAside.of(redisClient,
 *         CacheConfig.builder("reports", id -> id, JacksonCodec.of(mapper, Report.class))
 *                 .ttl(Duration.ofMinutes(10), 0.1).nearCache(1_000, Duration.ofSeconds(5)).build());
 * Handler<String, Report> reports = Decorators.decorate(loadReportFromRds, cache);
 * }</pre>
 *
 * <ul>
 *   <li>Values go through the codec; each write's TTL gets random jitter; an absent value (the
 *       loader returned {@code null}) is cached for the shorter negative TTL.</li>
 *   <li>Concurrent misses on a key in one JVM share one load. Across instances: a short Redis lock
 *       ({@code SET NX PX}) lets one instance load while the others wait for its value, or XFetch
 *       refreshes a key early with a probability that rises as expiry nears.</li>
 *   <li>Optional near cache (bounded, with TTL) in front of Redis; {@link #invalidate} deletes the
 *       key and broadcasts over Redis pub/sub so that every instance's near cache drops it.</li>
 *   <li>Redis trouble never fails a call: on an error (or a timeout, default 500 ms: {@link RedisCacheStore.Builder#timeout}) the loader
 *       answers, the error is counted and logged, and Redis is skipped for a while so that a dead
 *       Redis does not add a timeout to every call; it is tried again after the retry interval.</li>
 * </ul>
 * The loader's own exceptions pass through. Thread-safe; connections are opened lazily from the
 * client you pass and closed by {@link #close()}. {@link #of(CacheStore, CacheConfig)} takes a
 * store you built: a {@link RedisCacheStore} with options, or an {@link InMemoryCacheStore} for
 * tests (several caches over one in-memory store behave as instances sharing one Redis).
 *
 * <p>Its parts: {@link CacheKeys} (the key layout), {@link EntryFormat} (entries and tombstones in
 * Redis), {@link SingleFlight} (one load per key per JVM), {@link StoreHealth} (the outage window),
 * the {@link CacheStore} (entries, locks, tags, invalidation messages) and {@code BoundedCache} (the near cache);
 * this class is the read, load and invalidate protocol over them.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class CacheAside<K, V> implements Decorator<K, V>, AutoCloseable, Primeable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheAside.class);
    /** How often a reader waiting for another instance's load looks for its value: every 20 ms. */
    static final long LOCK_POLL = 20_000_000L;

    private final CacheConfig<K, V> config;
    private final CacheKeys layout;
    private final EntryFormat<V> format;
    private final SingleFlight loadsInFlight;
    private final BoundedCache<CacheEntry> near;
    private final CacheStore store;
    private final StoreHealth health;
    /** Tells this instance's own invalidation messages apart; renewed after a SnapStart restore. */
    private volatile String instanceId = UUID.randomUUID().toString();
    /** Moves on every invalidation this instance makes or hears of: a load that spans one is not kept in the near cache. */
    private final AtomicLong invalidationEpoch = new AtomicLong();

    private final LongAdder nearHits = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder overtaken = new LongAdder();

    private CacheAside(CacheStore store, CacheConfig<K, V> config) {
        this.config = config;
        this.layout = new CacheKeys(config.name());
        this.format = new EntryFormat<>(config.name(), layout.prefix(), config.codec());
        this.loadsInFlight = new SingleFlight(config.name());
        this.near = config.nearCacheSize() > 0 ? new BoundedCache<>(config.nearCacheSize()) : null;
        this.store = store;
        this.health = new StoreHealth(store, config);
        if (near != null) {
            store.subscribe(layout.channel(), this::heard);
        }
    }

    /** Another instance's invalidation, "senderId valueKey": this instance's near cache drops the key. */
    private void heard(String message) {
        int space = message.indexOf(' ');
        if (space > 0 && !message.substring(0, space).equals(instanceId)) {
            forgetLocally(message.substring(space + 1));
            invalidations.increment();
            count("Invalidations", 1);
        }
    }

    /**
     * @param client a Lettuce {@code RedisClient} (standalone, TLS and AUTH in its URI) or {@code RedisClusterClient}
     *               (cluster mode, ElastiCache Serverless) the caller built (and shuts down); the cache
     *               keeps its entries there through a {@link RedisCacheStore} with the default timeout
     *               and the config's ticker
     * @param config the configuration
     * @param <K>    key type
     * @param <V>    value type
     * @return the cache
     * @throws IllegalArgumentException for another kind of client
     */
    public static <K, V> CacheAside<K, V> of(AbstractRedisClient client, CacheConfig<K, V> config) {
        Objects.requireNonNull(config, "config");
        return of(RedisCacheStore.builder(client).ticker(config.ticker()).build(), config);
    }

    /**
     * @param store  where the cache keeps its entries, locks and tags and sends its invalidations: a
     *               {@link RedisCacheStore} (with options, e.g. its command timeout), an
     *               {@link InMemoryCacheStore}, or a backend of your own that passes {@code CacheStoreContract};
     *               the cache closes it on {@link #close()}
     * @param config the configuration
     * @param <K>    key type
     * @param <V>    value type
     * @return the cache
     */
    public static <K, V> CacheAside<K, V> of(CacheStore store, CacheConfig<K, V> config) {
        return new CacheAside<>(Objects.requireNonNull(store, "store"), Objects.requireNonNull(config, "config"));
    }

    @Override
    public Handler<K, V> decorate(Handler<K, V> loader) {
        Objects.requireNonNull(loader, "loader");
        return (key, invocation) -> get(key, loader, invocation);
    }

    private V get(K key, Handler<K, V> loader, Invocation invocation) {
        String keyString = Objects.requireNonNull(config.keyToString().apply(key), "key string");
        long now = config.clock().millis();
        if (near != null) {
            CacheEntry e = near.get(keyString, now); // no key string is built for a near hit
            if (e != null) {
                nearHits.increment();
                count("NearHits", 1);
                return format.valueOf(e);
            }
        }
        String valueKey = layout.value(keyString);
        if (!health.available(now)) {
            return format.valueOf(load(key, valueKey, loader, invocation, null));
        }
        byte[] raw;
        try {
            raw = store.get(valueKey);
        } catch (RuntimeException e) {
            health.failed(e);
            return format.valueOf(load(key, valueKey, loader, invocation, null));
        }
        CacheEntry cached = entryOrNull(valueKey, raw);
        if (cached != null && !recomputeEarly(cached, now)) {
            hits.increment();
            count("Hits", 1);
            remember(valueKey, cached, now, invalidationEpoch.get());
            return format.valueOf(cached);
        }
        misses.increment();
        count("Misses", 1);
        return format.valueOf(load(key, valueKey, loader, invocation, EntryFormat.Seen.of(raw)));
    }

    /**
     * The entry Redis holds, or {@code null} for none, a tombstone, or bytes that are not an entry
     * of this cache (another program's value, another codec's): that key is then a miss, and the
     * load's compare-and-set replaces what it read; Redis stays on for every other key.
     */
    private CacheEntry entryOrNull(String valueKey, byte[] raw) {
        if (raw == null || EntryFormat.isTombstone(raw)) {
            return null;
        }
        try {
            return format.decode(raw);
        } catch (RuntimeException unreadable) {
            LOG.warn("cache '{}': the value under {} cannot be read ({}); loading it again", config.name(), valueKey,
                    unreadable.getMessage());
            return null;
        }
    }

    private String valueKey(K key) {
        return layout.value(Objects.requireNonNull(config.keyToString().apply(key), "key string"));
    }

    /** XFetch: recompute when now - delta * beta * ln(random) reaches the expiry. */
    private boolean recomputeEarly(CacheEntry e, long now) {
        if (config.stampede() != CacheConfig.StampedeProtection.XFETCH || e.absent()) {
            return false;
        }
        double r = Randomness.nextDouble();
        return now - e.deltaMillis() * config.xfetchBeta() * Math.log(r == 0 ? Double.MIN_VALUE : r) >= e.expiresAt();
    }

    /**
     * One load per key per JVM ({@link SingleFlight}); across instances, the stampede protection.
     *
     * @param seen what Redis held, or {@code null} to leave Redis alone (it is down)
     */
    private CacheEntry load(K key, String valueKey, Handler<K, V> loader, Invocation invocation, EntryFormat.Seen seen) {
        return loadsInFlight.run(valueKey, invocation, () -> seen != null && config.stampede() == CacheConfig.StampedeProtection.LOCK
                ? loadUnderLock(key, valueKey, loader, invocation, seen) : loadAndStore(key, valueKey, loader, invocation, seen));
    }

    private CacheEntry loadUnderLock(K key, String valueKey, Handler<K, V> loader, Invocation invocation, EntryFormat.Seen seen) {
        String lockKey = layout.lock(layout.keyStringOf(valueKey));
        boolean locked;
        try {
            locked = store.putIfAbsent(lockKey, instanceId.getBytes(StandardCharsets.UTF_8), config.lockLease());
        } catch (RuntimeException e) {
            health.failed(e);
            return loadAndStore(key, valueKey, loader, invocation, null);
        }
        if (locked) {
            try {
                // a load that ended between this reader's GET and its lock (its value written, its lock gone) is not
                // repeated: one more GET under the lock, so concurrent misses load once however late a reader is
                long epoch = invalidationEpoch.get();
                byte[] current = store.get(valueKey);
                CacheEntry e = entryOrNull(valueKey, current);
                if (e != null && !seen.matches(current)) {
                    remember(valueKey, e, config.clock().millis(), epoch);
                    return e;
                }
                return loadAndStore(key, valueKey, loader, invocation, EntryFormat.Seen.of(current));
            } finally {
                try {
                    store.delete(lockKey);
                } catch (RuntimeException e) {
                    health.failed(e); // the lease ends it anyway
                }
            }
        }
        // another instance is loading: wait for its value, within the lock wait and the invocation's time
        Ticker ticker = config.ticker();
        long waitStart = ticker.nanoTime();
        long until = waitStart + Math.min(config.lockWait().toNanos(), invocation.remainingTime().toNanos());
        count("StampedeWaits", 1);
        while (ticker.nanoTime() < until) {
            try {
                ticker.sleep(LOCK_POLL);
                long epoch = invalidationEpoch.get();
                byte[] raw = store.get(valueKey);
                CacheEntry e = entryOrNull(valueKey, raw);
                if (e != null) {
                    remember(valueKey, e, config.clock().millis(), epoch);
                    config.metrics().time(METRICS_PATTERN, config.name(), "StampedeWaitTime", ticker.nanoTime() - waitStart);
                    return e;
                }
                seen = EntryFormat.Seen.of(raw);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                health.failed(e);
                break;
            }
        }
        config.metrics().time(METRICS_PATTERN, config.name(), "StampedeWaitTime", ticker.nanoTime() - waitStart);
        count("StampedeWaitsExpired", 1);
        LOG.debug("cache '{}': no value for {} after waiting for another instance's load; loading here", config.name(), valueKey);
        return loadAndStore(key, valueKey, loader, invocation, seen);
    }

    private CacheEntry loadAndStore(K key, String valueKey, Handler<K, V> loader, Invocation invocation, EntryFormat.Seen seen) {
        long epoch = invalidationEpoch.get();
        long t0 = config.ticker().nanoTime();
        V value;
        // the load's log lines carry the request id, the cache and a digest of the key (never the key itself)
        LogContext.Scope logs = LogContext.open(invocation, METRICS_PATTERN, config.name(), config.name() + "#" + Digests.sha256Hex(valueKey));
        try {
            value = loader.handle(key, invocation);
        } finally {
            logs.close();
        }
        long took = config.ticker().nanoTime() - t0;
        loads.increment();
        count("Loads", 1);
        loadNanos.add(took);
        config.metrics().time(METRICS_PATTERN, config.name(), "LoadTime", took);
        long now = config.clock().millis();
        boolean absent = value == null;
        long ttl = absent ? config.negativeTtl().toMillis() : jittered(config.ttl().toMillis());
        CacheEntry entry = new CacheEntry(value, absent, now + ttl, (int) Math.min(Integer.MAX_VALUE, took / 1_000_000));
        if (seen != null && ttl > 0 && health.up(now)) {
            try {
                if (!store.putIfUnchanged(valueKey, seen.bytes(), format.encode(entry), Duration.ofMillis(ttl))) {
                    overtaken.increment();
                    count("OvertakenLoads", 1); // invalidated (or refreshed) while loading: this value is not cached
                    return entry;
                }
                for (String tag : config.tags().apply(key)) {
                    store.addToTag(layout.tag(tag), valueKey, now + ttl, now, config.ttl().multipliedBy(2)); // outlives every member
                }
            } catch (RuntimeException e) {
                health.failed(e);
            }
        }
        if (ttl > 0) {
            remember(valueKey, entry, now, epoch);
        }
        return entry;
    }

    private long jittered(long ttl) {
        if (config.jitter() == 0) {
            return ttl;
        }
        return Math.max(1, Math.round(ttl * (1 + config.jitter() * (2 * Randomness.nextDouble() - 1))));
    }

    /** Keeps an entry in the near cache, unless an invalidation happened since {@code epoch} (when it was read or its load began). */
    private void remember(String valueKey, CacheEntry e, long now, long epoch) {
        if (near != null && invalidationEpoch.get() == epoch) {
            near.put(layout.keyStringOf(valueKey), e, Math.min(e.expiresAt(), now + config.nearCacheTtl().toMillis()));
        }
    }

    /** This instance forgets a key: near cache, and loads in flight (new readers start a load of their own). */
    private void forgetLocally(String valueKey) {
        invalidationEpoch.incrementAndGet();
        loadsInFlight.forget(valueKey);
        if (near != null) {
            near.remove(layout.keyStringOf(valueKey));
        }
    }

    /**
     * Deletes a key from Redis and from every instance's near cache (over Redis pub/sub).
     *
     * @param key the key
     */
    public void invalidate(K key) {
        String valueKey = valueKey(key);
        forgetLocally(valueKey);
        invalidations.increment();
        count("Invalidations", 1);
        publishInvalidation(valueKey);
    }

    /** Replaces a value with a fresh tombstone and tells every instance (failures are thrown, after being counted). */
    private void publishInvalidation(String valueKey) {
        try {
            store.put(valueKey, EntryFormat.tombstone(), tombstoneTtl());
            store.publish(layout.channel(), instanceId + " " + valueKey);
        } catch (RuntimeException e) {
            health.failed(e);
            throw e; // an invalidation that did not happen must not look as if it did
        }
    }

    /** A tombstone outlives any load that may have read the key before it: as long as a value would live. */
    private Duration tombstoneTtl() {
        return config.ttl().compareTo(config.lockLease()) >= 0 ? config.ttl() : config.lockLease();
    }

    /**
     * Deletes every key written with this tag (see {@link CacheConfig.Builder#tags}) from Redis and
     * from every instance's near cache.
     *
     * @param tag the tag
     * @return how many keys were dropped
     */
    public int invalidateTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        String tagKey = layout.tag(tag);
        List<String> members;
        try {
            members = store.tagMembers(tagKey);
        } catch (RuntimeException e) {
            health.failed(e);
            throw e; // an invalidation that did not happen must not look as if it did
        }
        for (String valueKey : members) {
            forgetLocally(valueKey);
            publishInvalidation(valueKey);
        }
        try {
            store.delete(tagKey);
        } catch (RuntimeException e) {
            health.failed(e);
            throw e;
        }
        invalidations.add(members.size());
        count("Invalidations", members.size());
        return members.size();
    }

    /**
     * A ready handler that turns change events into invalidations, so reports drop stale data
     * when the source changes: wire it to an SQS queue, an SNS subscription or a DynamoDB stream
     * and say which keys an event touches.
     *
     * <pre>{@code
     * Handler<SQSEvent, Integer> onChange = cache.invalidationHandler(
     *         event -> event.getRecords().stream().map(m -> m.getBody()).toList());
     * }</pre>
     *
     * @param keysOf the keys an event makes stale
     * @param <E>    the event type
     * @return a handler returning how many keys it invalidated; a Redis failure is thrown, so the
     *         event is retried rather than lost
     */
    public <E> Handler<E, Integer> invalidationHandler(Function<E, ? extends Collection<K>> keysOf) {
        Objects.requireNonNull(keysOf, "keysOf");
        return (event, invocation) -> {
            Collection<K> changed = keysOf.apply(event);
            if (changed == null) {
                throw new IllegalArgumentException("cache '" + config.name() + "': the change event named no keys (null)");
            }
            changed.forEach(this::invalidate);
            return changed.size();
        };
    }

    /**
     * Reads many keys in one round trip ({@code MGET}; on a cluster, one per hash slot); the misses
     * are loaded one by one.
     *
     * @param keys       the keys
     * @param loader     the loader
     * @param invocation the invocation
     * @return key to value (absent keys map to {@code null}), in the order given
     */
    public Map<K, V> getAll(List<K> keys, Handler<K, V> loader, Invocation invocation) {
        Map<K, V> out = new LinkedHashMap<>();
        List<String> valueKeys = new ArrayList<>();
        for (K k : keys) {
            valueKeys.add(valueKey(k));
        }
        List<byte[]> raw = null;
        if (health.up(config.clock().millis()) && !keys.isEmpty()) {
            try {
                raw = store.getAll(valueKeys);
            } catch (RuntimeException e) {
                health.failed(e);
                raw = null;
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            byte[] r = raw == null ? null : raw.get(i);
            CacheEntry e = r == null ? null : entryOrNull(valueKeys.get(i), r);
            if (e != null) {
                hits.increment();
                count("Hits", 1);
                out.put(keys.get(i), format.valueOf(e));
            } else {
                out.put(keys.get(i), get(keys.get(i), loader, invocation));
            }
        }
        return out;
    }

    /** The metrics' pattern dimension: {@value}. */
    static final String METRICS_PATTERN = "cache";

    private void count(String metric, long n) {
        config.metrics().count(METRICS_PATTERN, config.name(), metric, n);
    }

    /** @return this instance's counters */
    public CacheMetrics metrics() {
        return new CacheMetrics(nearHits.sum(), hits.sum(), misses.sum(), loads.sum(), loadNanos.sum(), health.errors.sum(),
                health.skipped.sum(), invalidations.sum(), overtaken.sum());
    }

    /** Closes this cache's store: its connections and subscription (not a client it was given). */
    @Override
    public void close() {
        store.close();
    }

    /**
     * After a SnapStart restore: a new instance id (every environment resumed from the snapshot
     * had the same one, and ignored each other's invalidations), new random seeds, the Redis
     * connection and invalidation subscription closed (their sockets died with the snapshot; they
     * reopen on the next call, so invalidations are heard again at once), and the near cache and
     * loads in flight dropped (they are from before the snapshot).
     */
    @Override
    public void afterRestore() {
        Randomness.reseed();
        instanceId = UUID.randomUUID().toString();
        store.afterRestore();
        health.reset();
        loadsInFlight.clear();
        invalidationEpoch.incrementAndGet();
        if (near != null) {
            near.clear();
        }
    }

    /** @return this instance's id in invalidation messages (for tests) */
    String instanceId() {
        return instanceId;
    }

    /**
     * Warms the cache for a SnapStart snapshot: opens its Redis connection (and, with a near cache,
     * its invalidation subscription) and makes one {@code GET} of a key that is never written.
     * Nothing is stored, the loader is not called and the metrics do not change.
     *
     * @throws PatternsException naming the cache when Redis cannot be reached
     */
    @Override
    public void prime() {
        try {
            store.get(layout.priming());
        } catch (RuntimeException e) {
            throw new CacheException("cache '" + config.name() + "': priming could not reach Redis: " + e.getMessage(), e);
        }
    }
}
