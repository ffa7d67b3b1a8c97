package io.github.serverlesspatterns.examples.p15;

import tools.jackson.dataformat.yaml.YAMLMapper;
import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.cache.CacheConfig;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisClusterService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Example 15's ElastiCache user, tried on a Redis cluster: with exactly {@link ReportsRedis#ACCESS_STRING}
 * a cluster client runs everything the cache does (loads shared by instances, near caches told of
 * invalidations over pub/sub, tags) without one refused command, and cannot touch other keys.
 */
@ExtendWith(LocalServicesExtension.class)
class ReportsRedisAclTest {

    private static final String PASSWORD = "local-only-" + UUID.randomUUID(); // on ElastiCache the user has IAM authentication instead

    @Test
    void theTemplatesUser_isTheAccessStringTheFunctionsAreTestedWith() throws Exception {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> template = new YAMLMapper().readValue(
                java.nio.file.Files.readString(Path.of("15-read-heavy-reporting-engine/template.yaml")), java.util.Map.class);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> user = (java.util.Map<String, Object>) ((java.util.Map<String, Object>) ((java.util.Map<String, Object>)
                template.get("Resources")).get("ReportsUser")).get("Properties");
        assertEquals(ReportsRedis.ACCESS_STRING, user.get("AccessString"));
        assertEquals(java.util.Map.of("Type", "iam"), user.get("AuthenticationMode"));
    }

    @Test
    void withOnlyTheAccessString_theCacheWorks_andOtherKeysAreRefused(RedisClusterService cluster) throws Exception {
        String user = "reports-" + UUID.randomUUID();
        List<String> rules = new ArrayList<>(List.of(ReportsRedis.ACCESS_STRING.split(" ")));
        rules.add(">" + PASSWORD);
        for (RedisURI node : cluster.nodes()) { // ACLs are per node, as each ElastiCache node gets the user group
            RedisClient admin = RedisClient.create(node);
            try (StatefulRedisConnection<String, String> c = admin.connect()) {
                CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(user);
                rules.forEach(args::add);
                c.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
            } finally {
                admin.shutdown();
            }
        }
        List<RedisURI> seeds = cluster.nodes().stream()
                .map(n -> RedisURI.builder(n).withAuthentication(user, PASSWORD.toCharArray()).build()).toList();
        RedisClusterClient one = RedisClusterClient.create(seeds);
        RedisClusterClient two = RedisClusterClient.create(seeds);
        CacheConfig<String, String> config = CacheConfig.builder("reports", (String id) -> id, Codecs.utf8())
                .ttl(Duration.ofMinutes(10), 0.1).nearCache(100, Duration.ofMinutes(5))
                .tags(id -> Set.of("customer-7")).stampede(CacheConfig.StampedeProtection.LOCK).build();
        try (CacheAside<String, String> first = CacheAside.of(one, config);
             CacheAside<String, String> second = CacheAside.of(two, config)) {
            AtomicInteger loads = new AtomicInteger();
            Handler<String, String> loader = (id, inv) -> id + "-total-" + loads.incrementAndGet();
            Handler<String, String> a = Decorators.decorate(loader, first);
            Handler<String, String> b = Decorators.decorate(loader, second);
            Invocation inv = Invocation.builder().build();
            assertEquals("r-1-total-1", a.handle("r-1", inv));
            assertEquals("r-1-total-1", b.handle("r-1", inv), "the second instance reads the first one's value from Redis");
            assertEquals(2, first.getAll(List.of("r-1", "r-2"), loader, inv).size()); // MGET over slots, one load
            first.invalidate("r-1");
            awaitReload(b, inv, "r-1");
            assertTrue(first.invalidateTag("customer-7") >= 1);
            assertEquals(0, first.metrics().redisErrors() + second.metrics().redisErrors(),
                    "no command refused: " + first.metrics() + " / " + second.metrics());
            try (StatefulRedisClusterConnection<String, String> c = one.connect()) {
                RedisCommandExecutionException denied = assertThrows(RedisCommandExecutionException.class,
                        () -> c.sync().get("idempotency:someone-elses"));
                assertTrue(denied.getMessage().startsWith("NOPERM"), denied.getMessage());
                assertThrows(RedisCommandExecutionException.class, () -> c.sync().flushall());
            }
        } finally {
            one.shutdown();
            two.shutdown();
        }
    }

    /** The invalidation reaches the other instance's near cache over pub/sub: it loads again (bounded wait). */
    private static void awaitReload(Handler<String, String> reader, Invocation inv, String id) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!reader.handle(id, inv).endsWith("-total-1")) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the invalidation of " + id + " never reached the other instance's near cache");
    }
}
