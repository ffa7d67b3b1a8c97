package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.internal.Priming;

/**
 * A cache's Redis key layout: values under {@code cache:<length>:<name>:v:<key>}, locks under
 * {@code ...:l:<key>}, tags under {@code ...:g:<tag>} (a sorted set of value keys scored by their
 * expiry; {@code ...:t:} held the unbounded sets of earlier versions), invalidations on the channel
 * {@code cache-invalidate:<length>:<name>}. The length-prefixed name keeps caches apart whatever
 * their names contain, and no user key reaches a lock or tag key.
 */
final class CacheKeys {

    private final String prefix;
    private final String channel;

    CacheKeys(String name) {
        this.prefix = "cache:" + name.length() + ":" + name + ":";
        this.channel = "cache-invalidate:" + name.length() + ":" + name;
    }

    /** @return the prefix of every key of this cache */
    String prefix() {
        return prefix;
    }

    String channel() {
        return channel;
    }

    /** The Redis key of a value; {@link #keyStringOf(String)} is its inverse. */
    String value(String keyString) {
        return prefix + "v:" + keyString;
    }

    /** The key string of a value key: the near cache's key. */
    String keyStringOf(String valueKey) {
        return valueKey.substring(prefix.length() + 2);
    }

    String lock(String keyString) {
        return prefix + "l:" + keyString;
    }

    String tag(String tag) {
        return prefix + "g:" + tag;
    }

    /** A key that is read and never written (SnapStart priming). */
    String priming() {
        return prefix + "p:" + Priming.KEY;
    }
}
