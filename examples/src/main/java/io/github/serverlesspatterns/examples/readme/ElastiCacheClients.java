package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.cache.CacheConfig;
import io.github.serverlesspatterns.circuitbreaker.redis.RedisCircuitStateStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.redis.ElastiCacheIamAuth;
import io.github.serverlesspatterns.idempotency.redis.RedisIdempotencyStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;

import java.time.Duration;

/**
 * The README's Redis section: the Lettuce clients for the ways ElastiCache runs Redis and Valkey,
 * handed to the three Redis parts. Compiled in CI so the README cannot drift.
 */
public final class ElastiCacheClients {

    private ElastiCacheClients() {
    }

    /**
     * Cluster mode enabled, or ElastiCache Serverless (always cluster mode): a cluster client.
     *
     * @param host     the configuration endpoint
     * @param user     the RBAC user
     * @param password its password
     * @return the stores and the cache on that cluster
     */
    public static Parts clusterMode(String host, String user, String password) {
        RedisURI endpoint = RedisURI.builder().withHost(host).withPort(6379)
                .withSsl(true)                                        // in-transit encryption
                .withAuthentication(user, password.toCharArray())     // an RBAC user (or the AUTH token)
                .withTimeout(Duration.ofSeconds(1))
                .build();
        RedisClusterClient client = RedisClusterClient.create(endpoint);
        client.setOptions(ClusterClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
                .build());

        RedisIdempotencyStore idempotency = RedisIdempotencyStore.create(client);
        RedisCircuitStateStore circuits = RedisCircuitStateStore.create(client);
        CacheAside<String, String> reports = CacheAside.of(client,
                CacheConfig.builder("reports", (String id) -> id, Codecs.utf8()).build());
        return new Parts(idempotency, circuits, reports);
    }

    /**
     * Cluster mode disabled (one primary, optional replicas): a standalone client on the primary endpoint.
     *
     * @param primaryEndpoint the primary endpoint's host
     * @param user            the RBAC user
     * @param password        its password
     * @return the idempotency store on that node group
     */
    public static RedisIdempotencyStore clusterModeDisabled(String primaryEndpoint, String user, String password) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(primaryEndpoint).withPort(6379)
                .withSsl(true).withAuthentication(user, password.toCharArray()).build());
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()).build());
        return RedisIdempotencyStore.builder(client).prefix("idempotency:").timeout(Duration.ofMillis(500)).build();
    }

    /**
     * ElastiCache Serverless with IAM authentication: no password anywhere, the function's role signs a
     * token for each new connection (the role needs {@code elasticache:Connect} on the cache and the user).
     *
     * @param host      the serverless cache's endpoint
     * @param userId    the IAM-enabled ElastiCache user
     * @param cacheName the serverless cache's name
     * @return a cluster client that authenticates with IAM
     */
    public static RedisClusterClient iamAuthenticated(String host, String userId, String cacheName) {
        ElastiCacheIamAuth iam = ElastiCacheIamAuth.builder(userId, cacheName)
                .region(System.getenv("AWS_REGION")).serverless(true).build();
        return RedisClusterClient.create(RedisURI.builder().withHost(host).withPort(6379).withSsl(true)
                .withAuthentication(iam.credentialsProvider())
                .build());
    }

    /**
     * The three parts on one client.
     *
     * @param idempotency the idempotency store
     * @param circuits    the circuit state store
     * @param reports     the cache
     */
    public record Parts(RedisIdempotencyStore idempotency, RedisCircuitStateStore circuits, CacheAside<String, String> reports) {
    }
}
