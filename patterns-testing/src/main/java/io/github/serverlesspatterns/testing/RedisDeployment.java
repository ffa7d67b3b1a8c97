package io.github.serverlesspatterns.testing;

import io.lettuce.core.AbstractRedisClient;

/**
 * The ways ElastiCache runs Redis, each on a real local server, for running one test on all of
 * them (e.g. with JUnit's {@code @ParameterizedClass @EnumSource(RedisDeployment.class)}). Each
 * server is started once per {@link LocalServices} and shared.
 */
public enum RedisDeployment {
    /** Debian's Redis 7, standalone (ElastiCache Redis OSS, cluster mode disabled). */
    REDIS_7,
    /** Valkey 8, standalone (ElastiCache for Valkey). */
    VALKEY_8,
    /** Redis 7 with TLS only and an ACL user (in-transit encryption and RBAC). */
    REDIS_7_TLS_ACL,
    /** A Redis 7 cluster of three masters (cluster mode enabled, as ElastiCache Serverless always is). */
    REDIS_7_CLUSTER;

    /**
     * @param services the run's services
     * @return the shared Lettuce client for this deployment's server: a {@code RedisClient}, or a
     *         {@code RedisClusterClient} for {@link #REDIS_7_CLUSTER}
     */
    public AbstractRedisClient client(LocalServices services) {
        return switch (this) {
            case REDIS_7 -> services.redis().client();
            case VALKEY_8 -> services.valkey().client();
            case REDIS_7_TLS_ACL -> services.securedRedis().client();
            case REDIS_7_CLUSTER -> services.redisCluster().client();
        };
    }

    /**
     * A second, independent client for the same server, as another Lambda instance has.
     *
     * @param services the run's services
     * @return a new client; the caller shuts it down
     */
    public AbstractRedisClient newClient(LocalServices services) {
        return switch (this) {
            case REDIS_7 -> services.redis().clientFor(services.redis().uri());
            case VALKEY_8 -> services.valkey().clientFor(services.valkey().uri());
            case REDIS_7_TLS_ACL -> services.securedRedis().clientFor(services.securedRedis().uri());
            case REDIS_7_CLUSTER -> services.redisCluster().newClient();
        };
    }
}
