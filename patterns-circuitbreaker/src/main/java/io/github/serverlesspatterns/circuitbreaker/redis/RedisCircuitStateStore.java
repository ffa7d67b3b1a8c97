package io.github.serverlesspatterns.circuitbreaker.redis;

import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.circuitbreaker.CircuitState;
import io.github.serverlesspatterns.circuitbreaker.CircuitStateStore;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ScriptOutputType;
import io.github.serverlesspatterns.core.internal.EvictionCheck;
import io.github.serverlesspatterns.core.internal.LuaScript;
import io.github.serverlesspatterns.core.internal.RedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CircuitStateStore} in Redis (Lettuce): each circuit is one string key
 * ({@code prefix + name}) holding {@link CircuitState#encode()}, with a TTL refreshed on every
 * write so that the state of a circuit nobody uses any more disappears.
 *
 * <p>Calls: {@code load} is one {@code GET}; {@code compareAndSet} is one round trip, a Lua script
 * that compares the stored version and writes atomically ({@code EVAL}; see {@code core.internal.LuaScript}
 * for why never {@code EVALSHA}). On a cluster each circuit's key lives on one node. The store opens one connection on first use from the client it
 * is given; {@link #close()} closes that connection, not the client. Thread-safe.
 */
public final class RedisCircuitStateStore implements CircuitStateStore, AutoCloseable {

    /** Default key prefix: {@value}. */
    public static final String DEFAULT_PREFIX = "circuit:";
    /** Default TTL of a circuit's state after its last write: 7 days. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    /** Default command timeout: 500 ms (a breaker must not wait long on its own store). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    private static final LuaScript CAS = new LuaScript(ScriptOutputType.VALUE,
            "local cur = redis.call('GET', KEYS[1])",
            "local v = 0",
            "if cur then v = tonumber(string.match(cur, '^[^|]*|[^|]*|(%d+)|')) end",
            "if v == tonumber(ARGV[1]) then",
            "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])",
            "  return 'OK'",
            "end",
            "if cur then return cur end",
            "return 'ABSENT'");

    private final String prefix;
    private final Duration ttl;
    private final RedisConnection<String, String> connection;

    private RedisCircuitStateStore(AbstractRedisClient client, String prefix, Duration ttl, Duration timeout) {
        this.prefix = prefix;
        this.ttl = ttl;
        this.connection = new RedisConnection<>(client, StringCodec.UTF8, timeout, "Redis circuit state store",
                c -> EvictionCheck.warnLaterIfEvicting(c, "Redis circuit state store",
                        "an evicted OPEN circuit lets calls through to the failing dependency"));
    }

    /**
     * @param client a Lettuce {@code RedisClient} or {@code RedisClusterClient} the caller built (and shuts down)
     * @return a store with the default prefix, TTL and timeout
     * @throws IllegalArgumentException for another kind of client
     */
    public static RedisCircuitStateStore create(AbstractRedisClient client) {
        return builder(client).build();
    }

    /**
     * @param client a Lettuce {@code RedisClient} (standalone, TLS and AUTH in its URI) or {@code RedisClusterClient}
     *               (cluster mode, ElastiCache Serverless) the caller built (and shuts down)
     * @return a builder starting from {@link #DEFAULT_PREFIX}, {@link #DEFAULT_TTL} and {@link #DEFAULT_TIMEOUT}
     * @throws IllegalArgumentException for another kind of client
     */
    public static Builder builder(AbstractRedisClient client) {
        RedisConnection.requireSupported(client);
        return new Builder(client);
    }

    /** Builder of {@link RedisCircuitStateStore}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final AbstractRedisClient client;
        private String prefix = DEFAULT_PREFIX;
        private Duration ttl = DEFAULT_TTL;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(AbstractRedisClient client) {
            this.client = client;
        }

        /**
         * @param prefix key prefix (may be empty); default {@value #DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * @param ttl how long a circuit's state outlives its last write, at least a second; default 7 days
         * @return this builder
         * @throws IllegalArgumentException if it is under a second
         */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.atLeast(ttl, Duration.ofSeconds(1), "ttl");
            return this;
        }

        /**
         * @param timeout command timeout; a slower store counts as a store failure; default 500 ms
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive(timeout, "timeout");
            return this;
        }

        /** @return the store (it connects on first use) */
        public RedisCircuitStateStore build() {
            return new RedisCircuitStateStore(client, prefix, ttl, timeout);
        }
    }

    private RedisClusterCommands<String, String> commands() {
        return connection.commands();
    }

    @Override
    public Optional<CircuitState> load(String name) {
        String value = commands().get(prefix + name);
        return value == null ? Optional.empty() : Optional.of(CircuitState.decode(value));
    }

    @Override
    public Optional<CircuitState> compareAndSet(String name, long expectedVersion, CircuitState next) {
        String[] keys = {prefix + name};
        String[] args = {Long.toString(expectedVersion), next.encode(), Long.toString(ttl.toMillis())};
        String reply = CAS.run(commands(), keys, args);
        if ("OK".equals(reply)) {
            return Optional.empty();
        }
        return Optional.of("ABSENT".equals(reply) ? CircuitState.initial() : CircuitState.decode(reply));
    }

    @Override
    public String describe() {
        return "Redis circuit store (prefix '" + prefix + "')";
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
}
