package io.github.serverlesspatterns.core.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded in-process cache of string keys with a per-entry expiry, for the library's local
 * caches (the idempotency local cache, the near cache). Reads take no lock: a hit is a
 * {@link ConcurrentHashMap} lookup and a flag write, so many invocations of one JVM (Lambda
 * Managed Instances) read it in parallel. Eviction is CLOCK (second chance): when full, the oldest
 * entry not read since it was last passed over goes first, which approximates least recently
 * used. The size may pass the bound briefly under concurrent writes. Thread-safe.
 *
 * @param <V> the value type
 */
public final class BoundedCache<V> {

    private static final class Node<V> {
        final String key;
        final V value;
        final long until;
        volatile boolean used;

        Node(String key, V value, long until) {
            this.key = key;
            this.value = value;
            this.until = until;
        }
    }

    private final int maxSize;
    private final ConcurrentHashMap<String, Node<V>> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Node<V>> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();

    /**
     * @param maxSize the most entries kept, at least 1
     */
    public BoundedCache(int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
        }
        this.maxSize = maxSize;
    }

    /**
     * @param key the key
     * @param now the current time, in the unit of the entries' expiry
     * @return the live value, or {@code null} when absent or expired (an expired entry is dropped)
     */
    public V get(String key, long now) {
        Node<V> n = entries.get(key);
        if (n == null) {
            return null;
        }
        if (n.until <= now) {
            if (entries.remove(key, n)) {
                size.decrementAndGet();
            }
            return null;
        }
        if (!n.used) {
            n.used = true;
        }
        return n.value;
    }

    /**
     * @param key   the key
     * @param value the value
     * @param until when it expires (the value is live while {@code now < until})
     */
    public void put(String key, V value, long until) {
        Node<V> n = new Node<>(key, value, until);
        if (entries.put(key, n) == null) {
            size.incrementAndGet();
        }
        order.add(n);
        queued.incrementAndGet();
        if (size.get() > maxSize || queued.get() > 2 * maxSize + 16) {
            trim();
        }
    }

    /** @param key the key to drop */
    public void remove(String key) {
        if (entries.remove(key) != null) {
            size.decrementAndGet();
        }
    }

    /** @return the entries held, expired ones not yet dropped included */
    public int size() {
        return entries.size();
    }

    /** Drops every entry. */
    public void clear() {
        for (String key : entries.keySet()) {
            remove(key);
        }
    }

    private void trim() {
        int budget = queued.get() + 1; // one pass at most
        while (budget-- > 0 && (size.get() > maxSize || queued.get() > 2 * maxSize + 16)) {
            Node<V> n = order.poll();
            if (n == null) {
                return;
            }
            queued.decrementAndGet();
            if (entries.get(n.key) != n) {
                continue; // replaced or removed since: a stale place in the queue
            }
            if (size.get() > maxSize && !n.used) {
                if (entries.remove(n.key, n)) {
                    size.decrementAndGet();
                }
                continue;
            }
            n.used = false; // a second chance (or, when only tidying the queue, just its place back)
            order.add(n);
            queued.incrementAndGet();
        }
    }
}
