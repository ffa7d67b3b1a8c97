package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServices;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisDeployment;
import io.lettuce.core.AbstractRedisClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache on every way ElastiCache runs Redis. On the cluster (three masters) the keys of one
 * test land on different nodes: before the cache took a cluster client, a node client loaded every
 * read (MOVED), {@code getAll} failed with CROSSSLOT and {@code invalidate} with MOVED.
 */
@ParameterizedClass
@EnumSource(RedisDeployment.class)
@ExtendWith(LocalServicesExtension.class)
class CacheDeploymentsTest {

    @Parameter
    RedisDeployment deployment;

    private LocalServices services;
    private final Map<String, String> database = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final Invocation invocation = Invocation.builder().build();
    private final Handler<String, String> loader = (key, inv) -> {
        loads.incrementAndGet();
        return database.get(key);
    };

    @BeforeEach
    void setUp(LocalServices services) {
        this.services = services;
    }

    private CacheConfig.Builder<String, String> config(String name) {
        return CacheConfig.builder(name + "-" + deployment, (String k) -> k, Codecs.utf8());
    }

    private static List<String> newKeys(int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("k-" + UUID.randomUUID());
        }
        return keys;
    }

    @Test
    void aLoadedValue_isServedFromRedis_afterwards() {
        List<String> keys = newKeys(20); // 20 keys: on the cluster, all three nodes
        keys.forEach(k -> database.put(k, "v-" + k));
        try (CacheAside<String, String> cache = CacheAside.of(deployment.client(services), config("hits").build())) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            keys.forEach(k -> assertEquals("v-" + k, h.handle(k, invocation)));
            keys.forEach(k -> assertEquals("v-" + k, h.handle(k, invocation)));
            assertEquals(20, loads.get(), "each key loaded once");
            assertEquals(20, cache.metrics().hits(), "the second reads came from Redis: " + cache.metrics());
            assertEquals(0, cache.metrics().redisErrors(), cache.metrics().toString());
        }
    }

    @Test
    void getAll_readsKeysOfEverySlot_andLoadsOnlyTheMisses() {
        List<String> keys = newKeys(30);
        keys.forEach(k -> database.put(k, "v-" + k));
        try (CacheAside<String, String> cache = CacheAside.of(deployment.client(services), config("bulk").build())) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            keys.subList(0, 20).forEach(k -> h.handle(k, invocation));
            Map<String, String> expected = new LinkedHashMap<>();
            keys.forEach(k -> expected.put(k, "v-" + k));
            assertEquals(expected, cache.getAll(keys, loader, invocation));
            assertEquals(30, loads.get(), "20 loaded before, the 10 misses now; the 20 hits came from Redis");
            assertEquals(0, cache.metrics().redisErrors(), cache.metrics().toString());
        }
    }

    @Test
    void anInvalidation_reachesAnotherInstancesNearCache() throws Exception {
        String key = newKeys(1).get(0);
        database.put(key, "old");
        AbstractRedisClient other = deployment.newClient(services);
        try (CacheAside<String, String> a = CacheAside.of(deployment.client(services),
                config("near").nearCache(100, Duration.ofMinutes(5)).build());
             CacheAside<String, String> b = CacheAside.of(other, config("near").nearCache(100, Duration.ofMinutes(5)).build())) {
            Handler<String, String> ha = Decorators.decorate(loader, a);
            Handler<String, String> hb = Decorators.decorate(loader, b);
            assertEquals("old", ha.handle(key, invocation));
            assertEquals("old", hb.handle(key, invocation));
            assertEquals("old", hb.handle(key, invocation));
            assertTrue(b.metrics().nearHits() >= 1, "b answers from its near cache");
            database.put(key, "new");
            a.invalidate(key);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // bounds a hang; no speed is asserted
            String seen = hb.handle(key, invocation);
            while (!seen.equals("new") && System.nanoTime() < deadline) {
                Thread.sleep(10);
                seen = hb.handle(key, invocation);
            }
            assertEquals("new", seen, "b's near cache dropped the key (pub/sub reaches every node's subscribers)");
            assertEquals(0, a.metrics().redisErrors() + b.metrics().redisErrors());
        } finally {
            other.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void invalidatingATag_dropsItsKeysOnEveryNode_andOnlyThose() {
        List<String> keys = newKeys(12);
        keys.forEach(k -> database.put(k, "v1"));
        Set<String> tagged = Set.copyOf(keys.subList(0, 9));
        try (CacheAside<String, String> cache = CacheAside.of(deployment.client(services), config("tags")
                .tags(k -> tagged.contains(k) ? Set.of("customer-1") : Set.of("customer-2")).build())) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            keys.forEach(k -> h.handle(k, invocation));
            keys.forEach(k -> database.put(k, "v2"));
            assertEquals(9, cache.invalidateTag("customer-1"));
            for (String k : keys) {
                assertEquals(tagged.contains(k) ? "v2" : "v1", h.handle(k, invocation), k);
            }
            assertEquals(0, cache.metrics().redisErrors(), cache.metrics().toString());
        }
    }

    @Test
    void concurrentMissesOnTwoInstances_inLockMode_loadOnce() throws Exception {
        String key = newKeys(1).get(0);
        database.put(key, "v");
        AbstractRedisClient other = deployment.newClient(services);
        Handler<String, String> slow = (k, inv) -> {
            loads.incrementAndGet();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return database.get(k);
        };
        try (CacheAside<String, String> a = CacheAside.of(deployment.client(services), config("lock")
                .stampede(CacheConfig.StampedeProtection.LOCK).build());
             CacheAside<String, String> b = CacheAside.of(other, config("lock").stampede(CacheConfig.StampedeProtection.LOCK).build())) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Handler<String, String> h = Decorators.decorate(slow, i % 2 == 0 ? a : b);
                    answers.add(pool.submit(() -> h.handle(key, invocation)));
                }
                for (var f : answers) {
                    assertEquals("v", f.get(30, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, loads.get(), "one load across both instances");
        } finally {
            other.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
