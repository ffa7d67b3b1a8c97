package io.github.serverlesspatterns.cache;

/**
 * A decoded cache entry: a value or an absence (the loader returned {@code null}), with its
 * logical expiry (epoch ms) and how long its load took (XFetch's delta).
 */
record CacheEntry(Object value, boolean absent, long expiresAt, int deltaMillis) {
}
