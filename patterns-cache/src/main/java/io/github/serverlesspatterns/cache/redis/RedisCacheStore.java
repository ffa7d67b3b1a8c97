package io.github.serverlesspatterns.cache.redis;

import io.github.serverlesspatterns.cache.CacheStore;
import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.internal.Digests;
import io.github.serverlesspatterns.core.internal.LuaScript;
import io.github.serverlesspatterns.core.internal.RedisConnection;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link io.github.serverlesspatterns.cache.CacheStore} in Redis (Lettuce): one server, a
 * cluster ({@code RedisClusterClient}: ElastiCache cluster mode, ElastiCache Serverless) or Valkey.
 *
 * <p>Calls: a read is one {@code GET}; {@code getAll} one {@code MGET} (on a cluster, one per hash
 * slot); a lock one {@code SET NX PX}; the compare-and-set one {@code EVAL} of a script that writes
 * only if the key still holds what the reader saw (compared by SHA-1, so the reader's bytes are not
 * sent back); a tag write one {@code EVAL} ({@code ZADD}, drop the expired members, {@code PEXPIRE});
 * invalidations travel by {@code PUBLISH} (on a cluster, every node's subscribers hear it). Every
 * script touches one key. Subscriptions use a pub/sub connection of their own, opened with each new
 * data connection, so they come back after Redis restarts or fails over.
 *
 * <p>The store opens its connections on first use from the client it is given; {@link #close()}
 * closes them, not the client. Thread-safe.
 */
public final class RedisCacheStore implements CacheStore {

    /** Default command timeout: 500 ms (a cache's Redis is skipped rather than waited for). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    /** SET with a TTL only if Redis still holds what the reader saw (nothing, or the same bytes), in one script. */
    private static final LuaScript WRITE_IF_UNCHANGED = new LuaScript(ScriptOutputType.INTEGER,
            "local cur = redis.call('GET', KEYS[1])",
            "if (cur == false and ARGV[1] == '') or (cur ~= false and redis.sha1hex(cur) == ARGV[1]) then",
            "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])",
            "  return 1",
            "end",
            "return 0");

    /** Adds a member scored by its expiry, drops the expired ones, keeps the tag alive (one key, one round trip). */
    private static final LuaScript ADD_TO_TAG = new LuaScript(ScriptOutputType.INTEGER,
            "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])",
            "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])",
            "redis.call('PEXPIRE', KEYS[1], ARGV[4])",
            "return 1");

    private final Duration timeout;
    private final RedisConnection<String, byte[]> connection;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final Object subscriptionLock = new Object();
    private StatefulRedisPubSubConnection<String, String> subscription;
    /** A channel was added while no subscription was open: the next call opens one. */
    private volatile boolean subscriptionDue;

    private RedisCacheStore(AbstractRedisClient client, Duration timeout, Ticker ticker) {
        this.timeout = timeout;
        this.connection = new RedisConnection<>(client, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), timeout,
                "Redis cache store", c -> {
                    if (!listeners.isEmpty()) {
                        resubscribe();
                    }
                }, ticker);
    }

    /**
     * @param client a Lettuce {@code RedisClient} or {@code RedisClusterClient} the caller built (and shuts down)
     * @return a store with the default timeout
     * @throws IllegalArgumentException for another kind of client
     */
    public static RedisCacheStore create(AbstractRedisClient client) {
        return builder(client).build();
    }

    /**
     * @param client a Lettuce {@code RedisClient} (standalone, TLS and AUTH in its URI) or {@code RedisClusterClient}
     *               (cluster mode, ElastiCache Serverless) the caller built (and shuts down)
     * @return a builder starting from {@link #DEFAULT_TIMEOUT}
     * @throws IllegalArgumentException for another kind of client
     */
    public static Builder builder(AbstractRedisClient client) {
        RedisConnection.requireSupported(client);
        return new Builder(client);
    }

    /** Builder of {@link RedisCacheStore}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final AbstractRedisClient client;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Ticker ticker = Ticker.system();

        private Builder(AbstractRedisClient client) {
            this.client = client;
        }

        /**
         * @param timeout command timeout (and the shortest bound of a connect); a slower Redis fails
         *                the command, and the cache answers from its loader
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive(timeout, "timeout");
            return this;
        }

        /**
         * @param ticker times the pause after a failed connect (calls fail at once meanwhile); default
         *               {@link Ticker#system()}
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** @return the store (it connects on first use) */
        public RedisCacheStore build() {
            return new RedisCacheStore(client, timeout, ticker);
        }
    }

    private RedisClusterCommands<String, byte[]> commands() {
        RedisClusterCommands<String, byte[]> c = connection.commands();
        if (subscriptionDue) {
            resubscribe();
        }
        return c;
    }

    @Override
    public byte[] get(String key) {
        return commands().get(key);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        List<byte[]> out = new ArrayList<>(keys.size());
        if (keys.isEmpty()) {
            return out;
        }
        for (var kv : commands().mget(keys.toArray(new String[0]))) {
            out.add(kv.hasValue() ? kv.getValue() : null);
        }
        return out;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        return "OK".equals(commands().set(key, value, SetArgs.Builder.nx().px(ttl.toMillis())));
    }

    @Override
    public boolean putIfUnchanged(String key, byte[] expected, byte[] value, Duration ttl) {
        byte[] seen = expected == null ? new byte[0] : Digests.sha1Hex(expected).getBytes(StandardCharsets.UTF_8);
        byte[][] args = {seen, value, utf8(ttl.toMillis())};
        Long written = WRITE_IF_UNCHANGED.run(commands(), new String[] {key}, args);
        return Long.valueOf(1).equals(written);
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        commands().set(key, value, SetArgs.Builder.px(ttl.toMillis()));
    }

    @Override
    public void delete(String key) {
        commands().del(key);
    }

    @Override
    public void addToTag(String tag, String member, long expiresAt, long now, Duration keep) {
        byte[][] args = {utf8(expiresAt), member.getBytes(StandardCharsets.UTF_8), utf8(now), utf8(keep.toMillis())};
        ADD_TO_TAG.run(commands(), new String[] {tag}, args);
    }

    @Override
    public List<String> tagMembers(String tag) {
        List<String> out = new ArrayList<>();
        for (byte[] member : commands().zrange(tag, 0, -1)) {
            out.add(new String(member, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void publish(String channel, String message) {
        commands().publish(channel, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Subscribes now if a connection is open, otherwise with the next call's connect (the store stays
     * lazy: building a cache does not connect).
     */
    @Override
    public void subscribe(String channel, Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.computeIfAbsent(Objects.requireNonNull(channel, "channel"), c -> new CopyOnWriteArrayList<>()).add(listener);
        synchronized (subscriptionLock) {
            if (subscription != null) {
                try {
                    subscription.sync().subscribe(channel); // a connection is open: hear the new channel at once
                    return;
                } catch (RuntimeException e) {
                    // that connection is in trouble: the next call opens a new one, subscribed to every channel
                }
            }
        }
        subscriptionDue = true;
    }

    /** A failure to reach Redis; an error reply about one command (OOM on a write, WRONGTYPE) is not. */
    @Override
    public boolean provesStoreDown(RuntimeException failure) {
        return !(failure instanceof RedisCommandExecutionException);
    }

    /** Closes the connections; the next call opens new ones and subscribes again. */
    @Override
    public void afterRestore() {
        close();
    }

    /** Opens a new subscription to every channel (the one it replaces, if any, is closed first). */
    private void resubscribe() {
        synchronized (subscriptionLock) { // taken inside the connection's lock, never around it: no lock cycle with close()
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
            StatefulRedisPubSubConnection<String, String> s = connection.openPubSub();
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    for (Consumer<String> l : listeners.getOrDefault(channel, List.of())) {
                        l.accept(message);
                    }
                }
            });
            s.setTimeout(timeout); // the subscribe itself is bounded too, not by the client's 60 s
            s.sync().subscribe(listeners.keySet().toArray(new String[0]));
            subscription = s;
            subscriptionDue = false;
        }
    }

    /** Closes the connection and the subscription (not the client). */
    @Override
    public void close() {
        synchronized (subscriptionLock) {
            if (subscription != null) {
                subscription.close();
                subscription = null;
                subscriptionDue = !listeners.isEmpty();
            }
        }
        connection.close();
    }

    private static byte[] utf8(long n) {
        return Long.toString(n).getBytes(StandardCharsets.UTF_8);
    }
}
