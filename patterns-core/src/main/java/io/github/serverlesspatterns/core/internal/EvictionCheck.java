package io.github.serverlesspatterns.core.internal;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Reads the server's {@code maxmemory_policy} (from {@code INFO memory}, which ElastiCache allows
 * where it refuses {@code CONFIG GET}) when a store connects, and warns when Redis may evict the
 * store's records before they expire: every record has a TTL, so every policy but
 * {@code noeviction} can drop them when memory is full — ElastiCache's default, {@code volatile-lru},
 * among them. An evicted idempotency record lets a duplicate run again; an evicted breaker state
 * closes an open circuit. Not API.
 */
public final class EvictionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(EvictionCheck.class);

    private EvictionCheck() {
    }

    /**
     * Logs a warning naming the part and the policy when the server can evict; logs at debug and
     * carries on when {@code INFO} is not allowed or fails.
     *
     * @param commands the part's newly opened connection
     * @param describe the part, e.g. {@code Redis idempotency store}
     * @param loses    what an eviction costs, e.g. {@code a duplicate runs again}
     * @return the policy the server reported, if it did
     */
    public static Optional<String> warnIfEvicting(RedisClusterCommands<?, ?> commands, String describe, String loses) {
        Optional<String> policy;
        try {
            policy = policyIn(commands.info("memory"));
        } catch (RuntimeException e) {
            LOG.debug("{}: could not read the server's maxmemory-policy ({})", describe, e.toString());
            return Optional.empty();
        }
        policy.filter(p -> !"noeviction".equals(p)).ifPresent(p -> LOG.warn(
                "{}: the Redis server's maxmemory-policy is {}: when its memory is full it can evict records before "
                        + "they expire, and then {}. Set maxmemory-policy to noeviction (on ElastiCache, in the "
                        + "cluster's parameter group) or keep the server well below maxmemory", describe, p, loses));
        return policy;
    }

    /**
     * {@link #warnIfEvicting} on the library's connect pool, so the call that opened the connection
     * does not wait for the extra round trip (it was on every cold start's first call).
     *
     * @param commands the part's newly opened connection
     * @param describe the part, e.g. {@code Redis idempotency store}
     * @param loses    what an eviction costs
     */
    public static void warnLaterIfEvicting(RedisClusterCommands<?, ?> commands, String describe, String loses) {
        RedisConnection.inBackground(() -> warnIfEvicting(commands, describe, loses));
    }

    /**
     * @param info the reply to {@code INFO memory}
     * @return the {@code maxmemory_policy} field, if present
     */
    static Optional<String> policyIn(String info) {
        if (info == null) {
            return Optional.empty();
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("maxmemory_policy:")) {
                return Optional.of(line.substring("maxmemory_policy:".length()).trim());
            }
        }
        return Optional.empty();
    }
}
