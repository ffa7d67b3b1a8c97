/** The Redis cache store (Lettuce; standalone, cluster, Valkey): {@link io.github.serverlesspatterns.cache.redis.RedisCacheStore}. */
package io.github.serverlesspatterns.cache.redis;
