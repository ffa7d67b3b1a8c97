package io.github.serverlesspatterns.examples.p15;

import io.github.serverlesspatterns.core.redis.ElastiCacheIamAuth;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;

import java.time.Duration;
import java.util.Objects;

/**
 * How pattern 15's functions reach the report cache. ElastiCache Serverless always runs in cluster
 * mode, so they use a cluster client; they log in as the stack's own ElastiCache user with IAM
 * authentication (the function's role signs a short-lived token; no password exists), and that
 * user may run only what the cache needs ({@link #ACCESS_STRING}, the template's
 * {@code ReportsUser}). The cache's default user is switched off.
 */
public final class ReportsRedis {

    /**
     * The ElastiCache user's access string: the cache's keys and its invalidation channel only,
     * and only the commands {@code CacheAside} sends (SECURITY.md; scripts' commands count too),
     * plus what Lettuce's cluster client needs to log in and find the slots. Checked against a
     * Redis cluster by {@code ReportsRedisAclTest}, and against the template.
     */
    public static final String ACCESS_STRING = "on ~cache:* &cache-invalidate:* -@all"
            + " +get +mget +set +del +eval +zrange +zadd +zremrangebyscore +pexpire +publish +subscribe +ping +info"
            + " +hello +client|setname +cluster|slots +cluster|nodes +cluster|shards +command";

    private ReportsRedis() {
    }

    /**
     * The client from the function's environment: {@code REDIS_HOST}, {@code REDIS_PORT},
     * {@code REDIS_USER} (the IAM-enabled user's id) and {@code CACHE_NAME}.
     *
     * @return a cluster client that authenticates with IAM over TLS
     */
    public static RedisClusterClient fromEnvironment() {
        String host = required("REDIS_HOST");
        ElastiCacheIamAuth iam = ElastiCacheIamAuth.builder(required("REDIS_USER"), required("CACHE_NAME"))
                .region(required("AWS_REGION")).serverless(true).build();
        RedisClusterClient client = RedisClusterClient.create(RedisURI.builder().withHost(host)
                .withPort(Integer.parseInt(required("REDIS_PORT"))).withSsl(true)
                .withAuthentication(iam.credentialsProvider()).withTimeout(Duration.ofSeconds(1)).build());
        client.setOptions(ClusterClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()).build());
        return client;
    }

    private static String required(String name) {
        return Objects.requireNonNull(System.getenv(name), name + " is not set");
    }
}
