package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.metrics.Metrics;
import io.github.serverlesspatterns.core.internal.DownWindow;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * A cache's side of Redis: its connection (through {@link RedisConnection}, standalone or
 * cluster), the outage window, the compare-and-set write, and invalidations — publishing them and,
 * with a near cache, a subscription renewed with every new connection.
 *
 * <p>The outage window: only a failure that proves the connection bad (refused, dropped, timed
 * out) turns Redis off for the retry interval; an error reply about one command (OOM on a write,
 * WRONGTYPE or MOVED for one key) affects that call alone. Thread-safe.
 */
final class CacheRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheRedis.class);

    /** SET with a TTL only if Redis still holds what the reader saw (nothing, or the same bytes), in one script. */
    private static final LuaScript WRITE_IF_UNCHANGED = new LuaScript(ScriptOutputType.INTEGER,
            "local cur = redis.call('GET', KEYS[1])",
            "if (cur == false and ARGV[1] == '') or (cur ~= false and redis.sha1hex(cur) == ARGV[1]) then",
            "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])",
            "  return 1",
            "end",
            "return 0");

    /**
     * Adds a value key to a tag, scored by its expiry, drops the members that have expired, and keeps
     * the tag key alive as long as its newest member: a tag's size is bounded by the keys written with
     * it within one TTL, not by every key ever written with it (one key, one round trip).
     */
    private static final LuaScript ADD_TO_TAG = new LuaScript(ScriptOutputType.INTEGER,
            "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])",
            "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])",
            "redis.call('PEXPIRE', KEYS[1], ARGV[4])",
            "return 1");

    private final String cacheName;
    private final String channel;
    private final Clock clock;
    private final Duration retry;
    private final Duration commandTimeout;
    private final RedisConnection<String, byte[]> connection;
    /** Hears other instances' invalidations: (sender's instance id, value key). */
    private final BiConsumer<String, String> onInvalidation;
    private final Object subscriptionLock = new Object();
    private StatefulRedisPubSubConnection<String, String> subscription;
    private final DownWindow outage = new DownWindow();
    final LongAdder errors = new LongAdder();
    private final Metrics metrics;
    final LongAdder skipped = new LongAdder();

    /**
     * @param onInvalidation called with (sender id, value key) for every invalidation published on the
     *                       channel, or {@code null} for no subscription (no near cache)
     */
    CacheRedis(AbstractRedisClient client, CacheConfig<?, ?> config, String channel, BiConsumer<String, String> onInvalidation) {
        this.cacheName = config.name();
        this.metrics = config.metrics();
        this.channel = channel;
        this.clock = config.clock();
        this.retry = config.redisRetry();
        this.commandTimeout = config.commandTimeout();
        this.onInvalidation = onInvalidation;
        this.connection = new RedisConnection<>(client, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE),
                config.commandTimeout(), "cache '" + config.name() + "'", c -> {
                    if (onInvalidation != null) {
                        subscribe();
                    }
                }, config.ticker());
    }

    RedisClusterCommands<String, byte[]> commands() {
        return connection.commands();
    }

    /** @return whether Redis may be asked now (outside the outage window); counts a skip otherwise */
    boolean available(long now) {
        if (!outage.isUp(now)) {
            skipped.increment();
            metrics.count(CacheAside.METRICS_PATTERN, cacheName, "RedisSkipped", 1);
            return false;
        }
        return true;
    }

    /** @return whether Redis is outside the outage window now (nothing counted) */
    boolean up(long now) {
        return outage.isUp(now);
    }

    /** Counts a Redis failure; one that proves the connection bad opens the outage window. */
    void failed(RuntimeException e) {
        errors.increment();
        metrics.count(CacheAside.METRICS_PATTERN, cacheName, "RedisErrors", 1);
        if (e instanceof RedisCommandExecutionException) {
            LOG.warn("cache '{}': Redis refused a command ({}); the loader answers this call", cacheName, e.getMessage());
            return;
        }
        outage.markDown(clock.millis(), retry);
        LOG.warn("cache '{}': Redis failed ({}); the loader answers alone for {}", cacheName, e.toString(), retry);
    }

    /** @return true if written: Redis still held what the reader saw */
    boolean writeIfUnchanged(String valueKey, EntryFormat.Seen seen, byte[] value, long ttlMillis) {
        byte[][] args = {seen.bytes(), value, Long.toString(ttlMillis).getBytes(StandardCharsets.UTF_8)};
        Long written = WRITE_IF_UNCHANGED.run(commands(), new String[] {valueKey}, args);
        return Long.valueOf(1).equals(written);
    }

    /**
     * @param tagKey      the tag's key
     * @param valueKey    the value key written with the tag
     * @param expiresAt   the value's logical expiry (epoch ms): its score
     * @param now         now (epoch ms): members scored before it are dropped
     * @param keepMillis  how long the tag key outlives this write
     */
    void addToTag(String tagKey, String valueKey, long expiresAt, long now, long keepMillis) {
        byte[][] args = {Long.toString(expiresAt).getBytes(StandardCharsets.UTF_8), valueKey.getBytes(StandardCharsets.UTF_8),
                Long.toString(now).getBytes(StandardCharsets.UTF_8), Long.toString(keepMillis).getBytes(StandardCharsets.UTF_8)};
        ADD_TO_TAG.run(commands(), new String[] {tagKey}, args);
    }

    /** Replaces a value with a fresh tombstone and tells every instance (failures are thrown, after being counted). */
    void invalidate(String valueKey, long tombstoneTtlMillis, String senderId) {
        try {
            commands().set(valueKey, EntryFormat.tombstone(), SetArgs.Builder.px(tombstoneTtlMillis));
            commands().publish(channel, (senderId + " " + valueKey).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            failed(e);
            throw e; // an invalidation that did not happen must not look as if it did
        }
    }

    /** Subscribes to invalidations, on every new connection (the one it replaces, if any, is closed first). */
    private void subscribe() {
        synchronized (subscriptionLock) { // taken inside the connection's lock, never around it: no lock cycle with close()
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
            StatefulRedisPubSubConnection<String, String> s = connection.openPubSub();
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    int space = message.indexOf(' ');
                    if (space > 0) {
                        onInvalidation.accept(message.substring(0, space), message.substring(space + 1));
                    }
                }
            });
            s.setTimeout(commandTimeout); // the subscribe itself is bounded too, not by the client's 60 s
            s.sync().subscribe(channel);
            subscription = s;
        }
    }

    /** After a SnapStart restore: connections closed (they reopen on the next call) and the outage window shut. */
    void reset() {
        close();
        outage.reset();
    }

    /** Closes the connection and the subscription (not the client). */
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
}
