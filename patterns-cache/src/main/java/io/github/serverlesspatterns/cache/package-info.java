/** Cache-aside over Redis with stampede protection, a near cache and invalidation: {@link io.github.serverlesspatterns.cache.CacheAside}. */
package io.github.serverlesspatterns.cache;
