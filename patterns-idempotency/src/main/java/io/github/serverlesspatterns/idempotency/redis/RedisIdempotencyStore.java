package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.idempotency.ClaimResult;
import io.github.serverlesspatterns.idempotency.IdempotencyRecord;
import io.github.serverlesspatterns.idempotency.IdempotencyStore;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ScriptOutputType;
import io.github.serverlesspatterns.core.internal.LuaScript;
import io.github.serverlesspatterns.core.internal.RedisConnection;
import io.github.serverlesspatterns.core.internal.EvictionCheck;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link IdempotencyStore} in Redis (Lettuce), shared by every instance of a function.
 *
 * <p>Each record is a hash under {@code prefix + storedKey} with the fields {@code status},
 * {@code exp} and {@code ipexp} (epoch ms by the decorator's clock), {@code val} (payload hash),
 * {@code tok} (the claim token) and {@code data} (the encoded result), and a Redis TTL equal to the record's expiry, so Redis
 * drops expired records itself.
 *
 * <p>Calls: a claim is one round trip (a Lua script that checks the live record and writes the
 * IN_PROGRESS one atomically, taking over an expired record in the same step); completion is one
 * round trip (a Lua script that writes only while the record is still this claim); release one
 * round trip (a compare-and-delete script); get one {@code HGETALL}. Scripts run by {@code EVAL},
 * never {@code EVALSHA}: a late {@code NOSCRIPT} hidden by a timeout would leave a completion
 * unrun while the release after it ran. Each script touches one key, so the store works on a
 * cluster ({@code RedisClusterClient}) as on one server.
 *
 * <p>The store opens one connection (thread-safe in Lettuce) on first use from the client it is
 * given; {@link #close()} closes that connection, not the client. Thread-safe.
 */
public final class RedisIdempotencyStore implements IdempotencyStore, AutoCloseable {

    /** Default key prefix: {@value}. */
    public static final String DEFAULT_PREFIX = "idempotency:";
    /** Default command timeout: 1 second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /** Claims unless a live record exists; takes an expired one over in the same step. */
    private static final LuaScript CLAIM = new LuaScript(ScriptOutputType.MULTI,
            "local cur = redis.call('HMGET', KEYS[1], 'status', 'exp', 'ipexp')",
            "if cur[1] then",
            "  local now = tonumber(ARGV[1])",
            "  if tonumber(cur[2]) > now and (cur[1] ~= 'IN_PROGRESS' or tonumber(cur[3]) > now) then",
            "    return redis.call('HGETALL', KEYS[1])",
            "  end",
            "  redis.call('DEL', KEYS[1])",
            "end",
            "redis.call('HSET', KEYS[1], 'status', 'IN_PROGRESS', 'exp', ARGV[2], 'ipexp', ARGV[3], 'tok', ARGV[6])",
            "if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'val', ARGV[4]) end",
            "redis.call('PEXPIRE', KEYS[1], ARGV[5])",
            "return {}");

    /** Completes only while the record is still this claim (IN_PROGRESS with its token). */
    private static final LuaScript COMPLETE = new LuaScript(ScriptOutputType.INTEGER,
            "local cur = redis.call('HMGET', KEYS[1], 'status', 'tok')",
            "if cur[1] ~= 'IN_PROGRESS' or cur[2] ~= ARGV[7] then return 0 end",
            "redis.call('HSET', KEYS[1], 'status', ARGV[8], 'exp', ARGV[1], 'ipexp', ARGV[2])",
            "if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'val', ARGV[5]) end",
            "if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'data', ARGV[4]) else redis.call('HDEL', KEYS[1], 'data') end",
            "redis.call('PEXPIRE', KEYS[1], ARGV[6])",
            "return 1");

    /** Compare-and-delete: only this claim's own IN_PROGRESS record. */
    private static final LuaScript RELEASE = new LuaScript(ScriptOutputType.INTEGER,
            "local cur = redis.call('HMGET', KEYS[1], 'status', 'tok')",
            "if cur[1] == 'IN_PROGRESS' and cur[2] == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end",
            "return 0");

    private final String prefix;
    private final RedisConnection<byte[], byte[]> connection;

    private RedisIdempotencyStore(AbstractRedisClient client, String prefix, Duration timeout) {
        this.prefix = prefix;
        this.connection = new RedisConnection<>(client, ByteArrayCodec.INSTANCE, timeout, "Redis idempotency store",
                c -> EvictionCheck.warnLaterIfEvicting(c, "Redis idempotency store", "a duplicate of an evicted request runs again"));
    }

    /**
     * @param client a Lettuce {@code RedisClient} or {@code RedisClusterClient} the caller built (and shuts down)
     * @return a store with the default prefix and timeout
     * @throws IllegalArgumentException for another kind of client
     */
    public static RedisIdempotencyStore create(AbstractRedisClient client) {
        return builder(client).build();
    }

    /**
     * @param client a Lettuce {@code RedisClient} (standalone, TLS and AUTH in its URI) or {@code RedisClusterClient}
     *               (cluster mode, ElastiCache Serverless) the caller built (and shuts down)
     * @return a builder starting from {@link #DEFAULT_PREFIX} and {@link #DEFAULT_TIMEOUT}
     * @throws IllegalArgumentException for another kind of client
     */
    public static Builder builder(AbstractRedisClient client) {
        RedisConnection.requireSupported(client);
        return new Builder(client);
    }

    /** Builder of {@link RedisIdempotencyStore}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final AbstractRedisClient client;
        private String prefix = DEFAULT_PREFIX;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(AbstractRedisClient client) {
            this.client = client;
        }

        /**
         * @param prefix prefix of every Redis key (may be empty); default {@value #DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * @param timeout command timeout; a slower store fails the call (the handler does not run unprotected)
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive(timeout, "timeout");
            return this;
        }

        /** @return the store (it connects on first use) */
        public RedisIdempotencyStore build() {
            return new RedisIdempotencyStore(client, prefix, timeout);
        }
    }

    private RedisClusterCommands<byte[], byte[]> commands() {
        return connection.commands();
    }

    @Override
    public ClaimResult claim(IdempotencyRecord inProgress, Instant now) {
        long ttl = Math.max(1, inProgress.expiresAt().toEpochMilli() - now.toEpochMilli());
        List<Object> existing = asList(run(CLAIM, inProgress.key(),
                bytes(now.toEpochMilli()), bytes(inProgress.expiresAt().toEpochMilli()),
                bytes(inProgress.inProgressUntil().toEpochMilli()),
                utf8(inProgress.payloadHash().orElse("")), bytes(ttl), utf8(token(inProgress))));
        if (existing == null || existing.isEmpty()) {
            return ClaimResult.claimed();
        }
        return ClaimResult.existing(toRecord(inProgress.key(), pairs(existing)));
    }

    @Override
    public boolean complete(IdempotencyRecord completed, Instant now) {
        Optional<byte[]> result = completed.result();
        long ttl = Math.max(1, completed.expiresAt().toEpochMilli() - now.toEpochMilli());
        Object written = run(COMPLETE, completed.key(), bytes(completed.expiresAt().toEpochMilli()),
                bytes(completed.inProgressUntil().toEpochMilli()), utf8(result.isPresent() ? "1" : "0"),
                result.orElse(new byte[0]), utf8(completed.payloadHash().orElse("")), bytes(ttl), utf8(token(completed)),
                utf8(completed.status().name()));
        return Long.valueOf(1).equals(written);
    }

    @Override
    public boolean release(IdempotencyRecord claim) {
        return Long.valueOf(1).equals(run(RELEASE, claim.key(), utf8(token(claim))));
    }

    private static String token(IdempotencyRecord record) {
        return record.claimToken().orElseThrow(() -> new IllegalArgumentException("record has no claim token: " + record));
    }

    @Override
    public Optional<IdempotencyRecord> get(String key) {
        Map<byte[], byte[]> fields = commands().hgetall(redisKey(key));
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        Map<String, byte[]> byName = new HashMap<>();
        fields.forEach((k, v) -> byName.put(new String(k, StandardCharsets.UTF_8), v));
        return Optional.of(toRecord(key, byName));
    }

    @Override
    public String describe() {
        return "Redis store (prefix '" + prefix + "')";
    }

    /** After a SnapStart restore: the connection made before the snapshot is closed; the next call opens a new one. */
    @Override
    public void afterRestore() {
        close();
    }

    /** Closes the store's connection (not the client). */
    @Override
    public void close() {
        connection.close();
    }

    private Object run(LuaScript script, String key, byte[]... args) {
        return script.run(commands(), new byte[][] {redisKey(key)}, args);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object reply) {
        return reply instanceof List ? (List<Object>) reply : null;
    }

    private static Map<String, byte[]> pairs(List<Object> flat) {
        Map<String, byte[]> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(new String((byte[]) flat.get(i), StandardCharsets.UTF_8), (byte[]) flat.get(i + 1));
        }
        return map;
    }

    private static IdempotencyRecord toRecord(String key, Map<String, byte[]> fields) {
        IdempotencyRecord.Status status = IdempotencyRecord.Status.valueOf(text(fields.get("status")));
        Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(text(fields.get("exp"))));
        byte[] ip = fields.get("ipexp");
        Instant inProgressUntil = ip == null ? expiresAt : Instant.ofEpochMilli(Long.parseLong(text(ip)));
        byte[] val = fields.get("val");
        byte[] tok = fields.get("tok");
        return IdempotencyRecord.of(key, status, expiresAt, inProgressUntil, val == null ? null : text(val), fields.get("data"),
                tok == null ? null : text(tok));
    }

    private byte[] redisKey(String key) {
        return utf8(prefix + key);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(long n) {
        return utf8(Long.toString(n));
    }
}
