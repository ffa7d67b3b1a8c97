package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link CacheStore} in this JVM's memory: for tests and local runs without Redis. Several
 * {@link CacheAside} instances over one store behave as instances of a function sharing one Redis:
 * they share entries and locks, and each hears the others' invalidations (delivered on the
 * publishing thread). Expiry follows the clock it is given, so a test moves it by hand. Nothing
 * is bounded but by expiry, and nothing survives the JVM: not for production. Thread-safe.
 */
public final class InMemoryCacheStore implements CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryCacheStore.class);

    private record Stored(byte[] value, long expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Stored> values = new ConcurrentHashMap<>();
    /** Per tag: its members and their expiries; each tag is guarded by itself. */
    private final Map<String, Tag> tags = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();

    private static final class Tag {
        final TreeMap<String, Long> members = new TreeMap<>();
        long expiresAt;
    }

    private InMemoryCacheStore(Clock clock) {
        this.clock = clock;
    }

    /** @return a store whose entries expire by the system clock */
    public static InMemoryCacheStore create() {
        return create(Clock.systemUTC());
    }

    /**
     * @param clock the clock entries expire by (give the cache's clock, e.g. a test's)
     * @return an empty store
     */
    public static InMemoryCacheStore create(Clock clock) {
        return new InMemoryCacheStore(Objects.requireNonNull(clock, "clock"));
    }

    private long deadline(Duration ttl) {
        return clock.millis() + Checks.positive(ttl, "ttl").toMillis();
    }

    private boolean isLive(Stored s) {
        return s != null && s.expiresAt() > clock.millis();
    }

    private Stored live(String key) {
        Stored s = values.get(Objects.requireNonNull(key, "key"));
        if (s != null && !isLive(s)) {
            values.remove(key, s);
            return null;
        }
        return s;
    }

    @Override
    public byte[] get(String key) {
        Stored s = live(key);
        return s == null ? null : s.value().clone();
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        List<byte[]> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(get(k));
        }
        return out;
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        Stored next = new Stored(value.clone(), deadline(ttl));
        boolean[] written = {false};
        values.compute(key, (k, cur) -> {
            if (isLive(cur)) {
                return cur;
            }
            written[0] = true;
            return next;
        });
        return written[0];
    }

    @Override
    public boolean putIfUnchanged(String key, byte[] expected, byte[] value, Duration ttl) {
        Stored next = new Stored(value.clone(), deadline(ttl));
        boolean[] written = {false};
        values.compute(key, (k, cur) -> {
            boolean live = isLive(cur);
            boolean same = expected == null ? !live : live && Arrays.equals(cur.value(), expected);
            if (!same) {
                return live ? cur : null;
            }
            written[0] = true;
            return next;
        });
        return written[0];
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        values.put(Objects.requireNonNull(key, "key"), new Stored(value.clone(), deadline(ttl)));
    }

    /** Deletes a value or a tag, whichever the key names (one key space, as in Redis). */
    @Override
    public void delete(String key) {
        values.remove(Objects.requireNonNull(key, "key"));
        tags.remove(key);
    }

    @Override
    public void addToTag(String tag, String member, long expiresAt, long now, Duration keep) {
        long keepUntil = deadline(keep);
        Tag t = tags.computeIfAbsent(tag, k -> new Tag());
        synchronized (t) {
            t.members.put(member, expiresAt);
            t.members.values().removeIf(exp -> exp < now);
            t.expiresAt = keepUntil;
        }
    }

    @Override
    public List<String> tagMembers(String tag) {
        Tag t = tags.get(Objects.requireNonNull(tag, "tag"));
        if (t == null) {
            return List.of();
        }
        synchronized (t) {
            if (t.expiresAt <= clock.millis()) {
                t.members.clear();
            }
            return List.copyOf(t.members.keySet());
        }
    }

    /**
     * Delivers to every subscriber on this thread. A subscriber that throws is logged and does not
     * fail the publish or the other subscribers, as a Redis subscriber's failure stays on its own
     * connection's thread.
     */
    @Override
    public void publish(String channel, String message) {
        for (Consumer<String> listener : subscribers.getOrDefault(channel, List.of())) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("a subscriber of channel {} failed on a message: {}", channel, e.toString());
            }
        }
    }

    @Override
    public void subscribe(String channel, Consumer<String> listener) {
        subscribers.computeIfAbsent(Objects.requireNonNull(channel, "channel"), c -> new CopyOnWriteArrayList<>())
                .add(Objects.requireNonNull(listener, "listener"));
    }

    /** Nothing to close: the entries stay for the other caches over this store. */
    @Override
    public void close() {
    }
}
