package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.BoundedCache;
import io.github.serverlesspatterns.core.DeadlineExceededException;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.SetArgs;
import io.github.serverlesspatterns.core.redis.LuaScript;
import io.github.serverlesspatterns.core.redis.RedisConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cache-aside over Redis around a loader (a {@link Handler} from key to value, e.g. a database
 * query): the catalogue's Read Heavy Reporting Engine.
 *
 * <pre>{@code
 * CacheAside<String, Report> cache = CacheAside.create(redisClient,
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
 *   <li>Redis trouble never fails a call: on an error (or a timeout, default 500 ms) the loader
 *       answers, the error is counted and logged, and Redis is skipped for a while so that a dead
 *       Redis does not add a timeout to every call; it is tried again after the retry interval.</li>
 * </ul>
 * The loader's own exceptions pass through. Thread-safe; connections are opened lazily from the
 * client you pass and closed by {@link #close()}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class CacheAside<K, V> implements Decorator<K, V>, AutoCloseable, io.github.serverlesspatterns.core.Primeable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheAside.class);
    private static final byte VALUE = 'V';
    private static final byte ABSENT = 'N';
    private static final byte TOMBSTONE = 'T';
    private static final int HEADER = 1 + 8 + 4;

    private final CacheConfig<K, V> config;
    private final String prefix;
    private final String channel;
    /** Tells this instance's own invalidation messages apart; renewed after a SnapStart restore. */
    private volatile String instanceId = UUID.randomUUID().toString();
    private final Map<String, CompletableFuture<Entry>> inFlight = new ConcurrentHashMap<>();
    private final BoundedCache<Entry> near;
    private final RedisConnection<String, byte[]> connection;
    private final Object subscriptionLock = new Object();
    private StatefulRedisPubSubConnection<String, String> subscription;
    private volatile long redisDownUntil = Long.MIN_VALUE;

    private final LongAdder nearHits = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final LongAdder redisSkipped = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder overtaken = new LongAdder();
    /** Moves on every invalidation this instance makes or hears of: a load that spans one is not kept in the near cache. */
    private final java.util.concurrent.atomic.AtomicLong invalidationEpoch = new java.util.concurrent.atomic.AtomicLong();

    /** A decoded cache entry: a value or an absence, with its logical expiry and load time. */
    private record Entry(Object value, boolean absent, long expiresAt, int deltaMillis) {
    }

    private CacheAside(AbstractRedisClient client, CacheConfig<K, V> config) {
        this.config = config;
        // the name is length-prefixed so that no (name, key) pair reaches another's keys, and values,
        // locks and tags have key spaces of their own that no user key can reach
        this.prefix = "cache:" + config.name().length() + ":" + config.name() + ":";
        this.channel = "cache-invalidate:" + config.name().length() + ":" + config.name();
        this.near = config.nearCacheSize() > 0 ? new BoundedCache<>(config.nearCacheSize()) : null;
        this.connection = new RedisConnection<>(client, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE),
                config.commandTimeout(), "cache '" + config.name() + "'", c -> {
                    if (near != null) {
                        subscribe();
                    }
                });
    }

    /**
     * @param client a Lettuce {@code RedisClient} (standalone, TLS and AUTH in its URI) or {@code RedisClusterClient}
     *               (cluster mode, ElastiCache Serverless) the caller built (and shuts down)
     * @param config the configuration
     * @param <K>    key type
     * @param <V>    value type
     * @return the cache
     * @throws IllegalArgumentException for another kind of client
     */
    public static <K, V> CacheAside<K, V> create(AbstractRedisClient client, CacheConfig<K, V> config) {
        return new CacheAside<>(RedisConnection.requireSupported(client), Objects.requireNonNull(config, "config"));
    }

    @Override
    public Handler<K, V> decorate(Handler<K, V> loader) {
        Objects.requireNonNull(loader, "loader");
        return (key, invocation) -> get(key, loader, invocation);
    }

    @SuppressWarnings("unchecked")
    private V get(K key, Handler<K, V> loader, Invocation invocation) {
        String keyString = Objects.requireNonNull(config.keyToString().apply(key), "key string");
        long now = config.clock().millis();
        if (near != null) {
            Entry e = near.get(keyString, now); // no key string is built for a near hit
            if (e != null) {
                nearHits.increment();
                return e.absent() ? null : (V) e.value();
            }
        }
        String redisKey = valueKeyOf(keyString);
        if (now < redisDownUntil) {
            redisSkipped.increment();
            return (V) load(key, redisKey, loader, invocation, null).value();
        }
        Entry cached;
        byte[] raw;
        try {
            raw = commands().get(redisKey);
            cached = raw == null || isTombstone(raw) ? null : decode(raw);
        } catch (RuntimeException e) {
            redisFailed(e);
            return (V) load(key, redisKey, loader, invocation, null).value();
        }
        if (cached != null && !recomputeEarly(cached, now)) {
            hits.increment();
            remember(redisKey, cached, now, invalidationEpoch.get());
            return cached.absent() ? null : (V) cached.value();
        }
        misses.increment();
        return (V) load(key, redisKey, loader, invocation, Seen.of(raw)).value();
    }

    private String valueKey(K key) {
        return valueKeyOf(Objects.requireNonNull(config.keyToString().apply(key), "key string"));
    }

    /** The Redis key of a value; {@link #userKey(String)} is its inverse. */
    private String valueKeyOf(String keyString) {
        return prefix + "v:" + keyString;
    }

    /** XFetch: recompute when now - delta * beta * ln(random) reaches the expiry. */
    private boolean recomputeEarly(Entry e, long now) {
        if (config.stampede() != CacheConfig.StampedeProtection.XFETCH || e.absent()) {
            return false;
        }
        double r = io.github.serverlesspatterns.core.Randomness.nextDouble();
        return now - e.deltaMillis() * config.xfetchBeta() * Math.log(r == 0 ? Double.MIN_VALUE : r) >= e.expiresAt();
    }

    /**
     * What a reader saw in Redis before loading: the value is written only if Redis still holds
     * exactly that (compare-and-set), so a load that an invalidation overtook never writes.
     */
    private record Seen(String sha1) {
        static final Seen NOTHING = new Seen("");

        static Seen of(byte[] raw) {
            return raw == null ? NOTHING : new Seen(CacheAside.sha1(raw));
        }
    }

    /**
     * One load per key per JVM at a time; the others wait for it, each within its own invocation's
     * remaining time ({@link DeadlineExceededException} naming it otherwise). When the shared load
     * fails, a waiter is not handed that invocation's failure: it tries again under its own
     * invocation (joining a newer load, or loading), and fails only with its own error.
     *
     * @param seen what Redis held, or {@code null} to leave Redis alone (it is down)
     */
    private Entry load(K key, String redisKey, Handler<K, V> loader, Invocation invocation, Seen seen) {
        while (true) {
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            CompletableFuture<Entry> running = inFlight.putIfAbsent(redisKey, mine);
            if (running == null) {
                return lead(key, redisKey, loader, invocation, seen, mine);
            }
            if (running.isCompletedExceptionally()) {
                inFlight.remove(redisKey, running); // a failed load not yet cleared: clear it and go again
                continue;
            }
            long left = invocation.remainingTime().toNanos();
            if (left <= 0) {
                throw new DeadlineExceededException("cache '" + config.name() + "': waiting for the load of " + redisKey, invocation);
            }
            try {
                return running.get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new DeadlineExceededException("cache '" + config.name() + "': waiting for another invocation's load of "
                        + redisKey, invocation, e);
            } catch (java.util.concurrent.ExecutionException e) {
                // the leader's failure is the leader's (its deadline, its error): go again under this invocation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.github.serverlesspatterns.core.PatternsException("cache '" + config.name()
                        + "': interrupted while waiting for the load of " + redisKey, e);
            }
        }
    }

    private Entry lead(K key, String redisKey, Handler<K, V> loader, Invocation invocation, Seen seen,
                       CompletableFuture<Entry> mine) {
        try {
            Entry e = seen != null && config.stampede() == CacheConfig.StampedeProtection.LOCK
                    ? loadUnderLock(key, redisKey, loader, invocation, seen) : loadAndStore(key, redisKey, loader, invocation, seen);
            inFlight.remove(redisKey, mine); // before completing: a waiter that goes again must not find it
            mine.complete(e);
            return e;
        } catch (Throwable e) { // the loader's own failure passes through to this caller, whatever it is
            inFlight.remove(redisKey, mine);
            mine.completeExceptionally(e);
            throw io.github.serverlesspatterns.core.Failures.rethrow(e);
        }
    }

    private Entry loadUnderLock(K key, String redisKey, Handler<K, V> loader, Invocation invocation, Seen seen) {
        String lockKey = prefix + "l:" + userKey(redisKey);
        boolean locked;
        try {
            locked = "OK".equals(commands().set(lockKey, instanceId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    SetArgs.Builder.nx().px(config.lockLease().toMillis())));
        } catch (RuntimeException e) {
            redisFailed(e);
            return loadAndStore(key, redisKey, loader, invocation, null);
        }
        if (locked) {
            try {
                // a load that ended between this reader's GET and its lock (its value written, its lock gone) is not
                // repeated: one more GET under the lock, so concurrent misses load once however late a reader is
                long epoch = invalidationEpoch.get();
                byte[] current = commands().get(redisKey);
                if (current != null && !isTombstone(current) && !Seen.of(current).equals(seen)) {
                    Entry e = decode(current);
                    remember(redisKey, e, config.clock().millis(), epoch);
                    return e;
                }
                return loadAndStore(key, redisKey, loader, invocation, Seen.of(current));
            } finally {
                try {
                    commands().del(lockKey);
                } catch (RuntimeException e) {
                    redisFailed(e); // the lease ends it anyway
                }
            }
        }
        // another instance is loading: wait for its value, within the lock wait and the invocation's time
        long until = Math.min(System.nanoTime() + config.lockWait().toNanos(),
                System.nanoTime() + invocation.remainingTime().toNanos());
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(20);
                long epoch = invalidationEpoch.get();
                byte[] raw = commands().get(redisKey);
                if (raw != null && !isTombstone(raw)) {
                    Entry e = decode(raw);
                    remember(redisKey, e, config.clock().millis(), epoch);
                    return e;
                }
                seen = Seen.of(raw);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                redisFailed(e);
                break;
            }
        }
        LOG.debug("cache '{}': no value for {} after waiting for another instance's load; loading here", config.name(), redisKey);
        return loadAndStore(key, redisKey, loader, invocation, seen);
    }

    private Entry loadAndStore(K key, String redisKey, Handler<K, V> loader, Invocation invocation, Seen seen) {
        long epoch = invalidationEpoch.get();
        long t0 = System.nanoTime();
        V value = loader.handle(key, invocation);
        long took = System.nanoTime() - t0;
        loads.increment();
        loadNanos.add(took);
        long now = config.clock().millis();
        boolean absent = value == null;
        long ttl = absent ? config.negativeTtl().toMillis() : jittered(config.ttl().toMillis());
        Entry entry = new Entry(value, absent, now + ttl, (int) Math.min(Integer.MAX_VALUE, took / 1_000_000));
        if (seen != null && ttl > 0 && now >= redisDownUntil) {
            try {
                if (!writeIfUnchanged(redisKey, seen, encode(entry), ttl)) {
                    overtaken.increment(); // invalidated (or refreshed) while loading: this value is not cached
                    return entry;
                }
                for (String tag : config.tags().apply(key)) {
                    String tagKey = prefix + "t:" + tag;
                    commands().sadd(tagKey, redisKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    commands().pexpire(tagKey, 2 * config.ttl().toMillis()); // outlives every member's TTL
                }
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
        if (ttl > 0) {
            remember(redisKey, entry, now, epoch);
        }
        return entry;
    }

    /** SET with a TTL only if Redis still holds what the reader saw (nothing, or the same bytes), in one script. */
    private static final LuaScript WRITE_IF_UNCHANGED = new LuaScript(io.lettuce.core.ScriptOutputType.INTEGER,
            "local cur = redis.call('GET', KEYS[1])",
            "if (cur == false and ARGV[1] == '') or (cur ~= false and redis.sha1hex(cur) == ARGV[1]) then",
            "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])",
            "  return 1",
            "end",
            "return 0");

    private boolean writeIfUnchanged(String redisKey, Seen seen, byte[] value, long ttlMillis) {
        byte[][] args = {seen.sha1().getBytes(java.nio.charset.StandardCharsets.UTF_8), value,
                Long.toString(ttlMillis).getBytes(java.nio.charset.StandardCharsets.UTF_8)};
        Long written = WRITE_IF_UNCHANGED.run(commands(), new String[] {redisKey}, args);
        return Long.valueOf(1).equals(written);
    }

    private static String sha1(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    /**
     * An invalidation leaves a tombstone (unique, kept for the TTL) instead of deleting the value,
     * so that a load that read the key before it cannot write its older value after it.
     */
    private static byte[] tombstone() {
        byte[] t = new byte[17];
        t[0] = TOMBSTONE;
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random); // a new one each time: nothing of it is in a SnapStart snapshot
        System.arraycopy(random, 0, t, 1, 16);
        return t;
    }

    private static boolean isTombstone(byte[] raw) {
        return raw.length > 0 && raw[0] == TOMBSTONE;
    }

    private long jittered(long ttl) {
        if (config.jitter() == 0) {
            return ttl;
        }
        return Math.max(1, Math.round(ttl * (1 + config.jitter() * (2 * io.github.serverlesspatterns.core.Randomness.nextDouble() - 1))));
    }

    /** Keeps an entry in the near cache, unless an invalidation happened since {@code epoch} (when it was read or its load began). */
    private void remember(String redisKey, Entry e, long now, long epoch) {
        if (near != null && invalidationEpoch.get() == epoch) {
            near.put(userKey(redisKey), e, Math.min(e.expiresAt(), now + config.nearCacheTtl().toMillis()));
        }
    }

    /** This instance forgets a key: near cache, and loads in flight (new readers start a load of their own). */
    private void forgetLocally(String redisKey) {
        invalidationEpoch.incrementAndGet();
        inFlight.remove(redisKey);
        if (near != null) {
            near.remove(userKey(redisKey));
        }
    }

    /** The key string of a value key ({@code prefix + "v:" + key}): the near cache's key. */
    private String userKey(String redisKey) {
        return redisKey.substring(prefix.length() + 2);
    }

    /**
     * Deletes a key from Redis and from every instance's near cache (over Redis pub/sub).
     *
     * @param key the key
     */
    public void invalidate(K key) {
        String redisKey = valueKey(key);
        forgetLocally(redisKey);
        invalidations.increment();
        try {
            commands().set(redisKey, tombstone(), SetArgs.Builder.px(tombstoneTtl()));
            commands().publish(channel, (instanceId + " " + redisKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            redisFailed(e);
            throw e; // an invalidation that did not happen must not look as if it did
        }
    }

    /** A tombstone outlives any load that may have read the key before it: as long as a value would live. */
    private long tombstoneTtl() {
        return Math.max(config.ttl().toMillis(), config.lockLease().toMillis());
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
        String tagKey = prefix + "t:" + tag;
        try {
            java.util.Set<byte[]> members = commands().smembers(tagKey);
            for (byte[] member : members) {
                String redisKey = new String(member, java.nio.charset.StandardCharsets.UTF_8);
                forgetLocally(redisKey);
                commands().set(redisKey, tombstone(), SetArgs.Builder.px(tombstoneTtl()));
                commands().publish(channel, (instanceId + " " + redisKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            commands().del(tagKey);
            invalidations.add(members.size());
            return members.size();
        } catch (RuntimeException e) {
            redisFailed(e);
            throw e; // an invalidation that did not happen must not look as if it did
        }
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
    public <E> Handler<E, Integer> invalidationHandler(java.util.function.Function<E, ? extends java.util.Collection<K>> keysOf) {
        Objects.requireNonNull(keysOf, "keysOf");
        return (event, invocation) -> {
            java.util.Collection<K> keys = keysOf.apply(event);
            if (keys == null) {
                throw new IllegalArgumentException("cache '" + config.name() + "': the change event named no keys (null)");
            }
            keys.forEach(this::invalidate);
            return keys.size();
        };
    }

    /**
     * Reads many keys in one round trip ({@code MGET}); the misses are loaded one by one.
     *
     * @param keys       the keys
     * @param loader     the loader
     * @param invocation the invocation
     * @return key to value (absent keys map to {@code null}), in the order given
     */
    @SuppressWarnings("unchecked")
    public Map<K, V> getAll(List<K> keys, Handler<K, V> loader, Invocation invocation) {
        Map<K, V> out = new LinkedHashMap<>();
        List<String> redisKeys = new ArrayList<>();
        for (K k : keys) {
            redisKeys.add(valueKey(k));
        }
        List<byte[]> raw = null;
        if (config.clock().millis() >= redisDownUntil && !keys.isEmpty()) {
            try {
                raw = new ArrayList<>();
                for (var kv : commands().mget(redisKeys.toArray(new String[0]))) {
                    raw.add(kv.hasValue() ? kv.getValue() : null);
                }
            } catch (RuntimeException e) {
                redisFailed(e);
                raw = null;
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            byte[] r = raw == null ? null : raw.get(i);
            if (r != null && !isTombstone(r)) {
                hits.increment();
                Entry e = decode(r);
                out.put(keys.get(i), e.absent() ? null : (V) e.value());
            } else {
                out.put(keys.get(i), get(keys.get(i), loader, invocation));
            }
        }
        return out;
    }

    /** @return this instance's counters */
    public CacheMetrics metrics() {
        return new CacheMetrics(nearHits.sum(), hits.sum(), misses.sum(), loads.sum(), loadNanos.sum(), redisErrors.sum(),
                redisSkipped.sum(), invalidations.sum(), overtaken.sum());
    }

    /**
     * Counts a Redis failure. Only one that proves the connection bad (refused, dropped, timed out)
     * turns Redis off for the retry interval; an error reply about one command (OOM on a write,
     * WRONGTYPE or MOVED for one key) affects that call alone, and every other key keeps its cache.
     */
    private void redisFailed(RuntimeException e) {
        redisErrors.increment();
        if (e instanceof io.lettuce.core.RedisCommandExecutionException) {
            LOG.warn("cache '{}': Redis refused a command ({}); the loader answers this call", config.name(), e.getMessage());
            return;
        }
        redisDownUntil = config.clock().millis() + config.redisRetry().toMillis();
        LOG.warn("cache '{}': Redis failed ({}); the loader answers alone for {}", config.name(), e.toString(), config.redisRetry());
    }

    private RedisClusterCommands<String, byte[]> commands() {
        return connection.commands();
    }

    /** Subscribes to invalidations, on every new connection (the one it replaces, if any, is closed first). */
    private void subscribe() {
        synchronized (subscriptionLock) { // taken inside the connection's lock, never around it: no lock cycle with close()
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
            subscription = openSubscription();
        }
    }

    private StatefulRedisPubSubConnection<String, String> openSubscription() {
        StatefulRedisPubSubConnection<String, String> s = connection.openPubSub();
        s.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                int space = message.indexOf(' ');
                if (space > 0 && !message.substring(0, space).equals(instanceId)) {
                    forgetLocally(message.substring(space + 1));
                    invalidations.increment();
                }
            }
        });
        s.setTimeout(config.commandTimeout()); // the subscribe itself is bounded too, not by the client's 60 s
        s.sync().subscribe(channel);
        return s;
    }

    private byte[] encode(Entry e) {
        byte[] payload = e.absent() ? new byte[0] : config.codec().encode(castValue(e));
        return ByteBuffer.allocate(HEADER + payload.length).put(e.absent() ? ABSENT : VALUE).putLong(e.expiresAt())
                .putInt(e.deltaMillis()).put(payload).array();
    }

    @SuppressWarnings("unchecked")
    private V castValue(Entry e) {
        return (V) e.value();
    }

    private Entry decode(byte[] raw) {
        if (raw.length < HEADER || (raw[0] != VALUE && raw[0] != ABSENT)) {
            throw new IllegalStateException("cache '" + config.name() + "': a Redis value is not in this cache's format ("
                    + raw.length + " bytes); another program writes under the prefix " + prefix);
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        boolean absent = b.get() == ABSENT;
        long expiresAt = b.getLong();
        int delta = b.getInt();
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new Entry(absent ? null : config.codec().decode(payload), absent, expiresAt, delta);
    }

    /** Closes this cache's connections (not the client). */
    @Override
    public void close() {
        synchronized (subscriptionLock) {
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }
        connection.close();
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
        io.github.serverlesspatterns.core.Randomness.reseed();
        instanceId = UUID.randomUUID().toString();
        close();
        inFlight.clear();
        invalidationEpoch.incrementAndGet();
        if (near != null) {
            near.clear();
        }
        redisDownUntil = Long.MIN_VALUE;
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
            commands().get(prefix + "p:#serverless-patterns-priming");
        } catch (RuntimeException e) {
            throw new io.github.serverlesspatterns.core.PatternsException("cache '" + config.name() + "': priming could not reach Redis: "
                    + e.getMessage(), e);
        }
    }
}
