/**
 * Cache-aside with stampede protection, a near cache and invalidation
 * ({@link io.github.serverlesspatterns.cache.CacheAside}) over a
 * {@link io.github.serverlesspatterns.cache.CacheStore}: Redis, or in memory for tests.
 */
package io.github.serverlesspatterns.cache;
