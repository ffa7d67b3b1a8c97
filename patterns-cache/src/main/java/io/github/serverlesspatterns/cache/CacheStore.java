package io.github.serverlesspatterns.cache;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a {@link CacheAside} keeps what its instances share: entries, load locks, tags, and the
 * channel its invalidations travel on. The cache builds every key (its length-prefixed name, a kind,
 * then the key) and every value (its own entry format), so a store sees opaque strings and bytes.
 * Backends: {@link io.github.serverlesspatterns.cache.redis.RedisCacheStore} (standalone or cluster
 * Redis, ElastiCache) and {@link InMemoryCacheStore} (one JVM: tests, local runs); every backend passes
 * the same contract ({@code CacheStoreContract} in this module's {@code tests} jar).
 *
 * <p>Failures are thrown as unchecked exceptions. The cache never fails a read for one: it counts it,
 * lets the loader answer, and, when {@link #provesStoreDown} says the store itself is unreachable,
 * skips the store for the configured retry interval. Invalidations rethrow them (an invalidation that
 * did not happen must not look as if it did). Implementations must be thread-safe.
 */
public interface CacheStore extends AutoCloseable {

    /**
     * @param key a key
     * @return its value, or {@code null} if there is none (never written, expired or deleted)
     */
    byte[] get(String key);

    /**
     * Reads many keys, in as few round trips as the backend allows.
     *
     * @param keys keys (the cache's keys of one cache; on a cluster they may lie on different nodes)
     * @return their values in the same order, {@code null} where there is none
     */
    List<byte[]> getAll(List<String> keys);

    /**
     * Writes a value only if the key has none: how one instance takes a load lock.
     *
     * @param key   the key
     * @param value the value
     * @param ttl   how long it lives, positive
     * @return whether it was written
     */
    boolean putIfAbsent(String key, byte[] value, Duration ttl);

    /**
     * Writes a value only if the key still holds exactly {@code expected} (compare-and-set, in one
     * atomic step): how a load that an invalidation overtook is kept out.
     *
     * @param key      the key
     * @param expected the bytes the reader saw, or {@code null} for "no value"
     * @param value    the new value
     * @param ttl      how long it lives, positive
     * @return whether it was written
     */
    boolean putIfUnchanged(String key, byte[] expected, byte[] value, Duration ttl);

    /**
     * Writes a value whatever the key holds.
     *
     * @param key   the key
     * @param value the value
     * @param ttl   how long it lives, positive
     */
    void put(String key, byte[] value, Duration ttl);

    /** @param key a key to delete (nothing happens if it has no value) */
    void delete(String key);

    /**
     * Adds a member to a tag, scored by its expiry; drops the members whose expiry is before
     * {@code now}, and keeps the tag itself for {@code keep} after this write. A tag's size is so
     * bounded by the members written within one TTL. All in one atomic step.
     *
     * @param tag       the tag's key
     * @param member    the member (a value key)
     * @param expiresAt the member's expiry (epoch ms by the cache's clock)
     * @param now       now (epoch ms by the cache's clock)
     * @param keep      how long the tag outlives this write, positive
     */
    void addToTag(String tag, String member, long expiresAt, long now, Duration keep);

    /**
     * @param tag the tag's key
     * @return its members (members that expired after the last {@link #addToTag} may be among them), empty for none
     */
    List<String> tagMembers(String tag);

    /**
     * Sends a message to every subscriber of a channel, in every instance connected to this
     * backend (this one's included).
     *
     * @param channel the channel
     * @param message the message
     */
    void publish(String channel, String message);

    /**
     * Hears a channel for as long as the store is open, from the store's next call on at the
     * latest (a backend may connect lazily, so building a cache does not connect); a backend that
     * reconnects subscribes again (a message published while it was disconnected may be lost, which
     * is why a near cache's TTL is bounded).
     *
     * @param channel  the channel
     * @param listener called with each message, on a thread of the store's; it must not block
     */
    void subscribe(String channel, Consumer<String> listener);

    /**
     * @param failure what a call of this store threw
     * @return whether it shows the store unreachable (refused, dropped, timed out), so that the cache
     *         skips it for a while; {@code false} for an error about one command (a full store refusing
     *         one write, a wrong type for one key), which affects that call alone. Default: {@code true}
     */
    default boolean provesStoreDown(RuntimeException failure) {
        return true;
    }

    /**
     * After a SnapStart restore: drops connections made before the snapshot (they died with it);
     * the next call reconnects and subscriptions are renewed. Default: nothing.
     */
    default void afterRestore() {
    }

    /** Closes the store's connections and subscriptions (not a client it was given). */
    @Override
    void close();
}
