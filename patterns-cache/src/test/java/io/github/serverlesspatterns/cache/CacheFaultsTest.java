package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.cache.redis.RedisCacheStore;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache through real Redis faults, on a Redis 7 server of its own: restarted, memory full, and frozen (SIGSTOP). */
class CacheFaultsTest {

    /** A server of this test's own (it is frozen, filled and restarted), stopped after each test. */
    @AutoClose
    private final RedisService redis = RedisService.start();
    private final AtomicInteger loads = new AtomicInteger();
    private final Handler<String, String> loader = (k, inv) -> {
        loads.incrementAndGet();
        return "v-" + k;
    };
    private final Invocation invocation = Invocation.builder().build();



    private CacheAside<String, String> cache() {
        return CacheAside.of(RedisCacheStore.builder(redis.client()).timeout(Duration.ofMillis(200)).build(),
                CacheConfig.builder("faults", (String k) -> k, Codecs.utf8()).storeRetry(Duration.ofSeconds(30)).build());
    }

    @Test
    void afterRedisRestarts_anInvalidationStillReachesAnotherInstancesNearCache() throws Exception {
        Map<String, String> database = new ConcurrentHashMap<>(Map.of("r-1", "v1"));
        Handler<String, String> query = (k, inv) -> database.get(k);
        RedisClient otherClient = redis.clientFor(redis.uri()); // another Lambda instance, another client
        CacheConfig<String, String> config = CacheConfig.builder("restart", (String k) -> k, Codecs.utf8())
                .nearCache(100, Duration.ofMinutes(5)).storeRetry(Duration.ofMillis(200)).build();
        try (CacheAside<String, String> a = CacheAside.of(RedisCacheStore.builder(redis.client()).timeout(Duration.ofMillis(500)).build(), config);
             CacheAside<String, String> b = CacheAside.of(RedisCacheStore.builder(otherClient).timeout(Duration.ofMillis(500)).build(), config)) {
            Handler<String, String> ha = Decorators.decorate(query, a);
            Handler<String, String> hb = Decorators.decorate(query, b);
            assertEquals("v1", ha.handle("r-1", invocation));
            assertEquals("v1", hb.handle("r-1", invocation));
            assertEquals("v1", hb.handle("r-1", invocation));
            assertEquals(1, b.metrics().nearHits(), "b holds a near copy");

            redis.stop();
            redis.restart(); // the data is gone with the old process; the near copy in b is not
            database.put("r-1", "v2");
            // a message published while b's subscription is still reconnecting is lost (the near TTL bounds
            // that), so a invalidates until b hears one: what is asserted is that b hears again at all
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // bounds a hang; no speed is asserted
            while (b.metrics().invalidations() == 0) {
                assertTrue(System.nanoTime() < deadline, "b never heard an invalidation after the restart: " + b.metrics());
                try {
                    a.invalidate("r-1");
                } catch (RuntimeException reconnecting) {
                    // a's own connection is not back yet
                }
                Thread.sleep(100);
            }
            assertEquals("v2", hb.handle("r-1", invocation), "b's near copy was dropped");
        } finally {
            otherClient.shutdown();
        }
    }

    @Test
    void memoryFull_withNoeviction_refusesWrites_butCachedKeysStillComeFromRedis() {
        try (CacheAside<String, String> cache = cache()) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            assertEquals("v-cached", h.handle("cached", invocation));
            redis.limitMemory("1", "noeviction"); // every write now answers OOM; reads still work
            assertEquals("v-new", h.handle("new", invocation), "the loader answers when the write is refused");
            long skippedBefore = cache.metrics().redisSkipped();
            assertEquals("v-cached", h.handle("cached", invocation));
            assertEquals(2, loads.get(), "the cached key was read from Redis, not loaded: OOM on one write did not switch Redis off");
            assertTrue(cache.metrics().redisErrors() >= 1, cache.metrics().toString());
            assertEquals(skippedBefore, cache.metrics().redisSkipped(), cache.metrics().toString());
        }
    }

    @Test
    void aValueThisCacheCannotRead_isAMissForThatKey_andIsReplaced_whileOtherKeysKeepTheirCache() {
        try (CacheAside<String, String> cache = cache()) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            assertEquals("v-good", h.handle("good", invocation));
            try (var raw = redis.client().connect()) {
                raw.sync().set("cache:6:faults:v:bad", "written by another program"); // under this cache's prefix
            }
            assertEquals("v-bad", h.handle("bad", invocation), "the loader answers the unreadable key");
            assertEquals("v-good", h.handle("good", invocation));
            assertEquals(2, loads.get(), "'good' still came from Redis: an unreadable value did not switch Redis off");
            assertEquals(0, cache.metrics().redisSkipped(), cache.metrics().toString());
            assertEquals("v-bad", h.handle("bad", invocation));
            assertEquals(2, loads.get(), "the unreadable value was replaced by the load: 'bad' is a hit now");
        }
    }

    @Test
    void aTagKeepsOnlyKeysThatHaveNotExpired_soItCannotGrowWithoutBound() {
        io.github.serverlesspatterns.testing.MutableClock clock = new io.github.serverlesspatterns.testing.MutableClock(java.time.Instant.now());
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("tagged", (String k) -> k,
                Codecs.utf8()).ttl(Duration.ofMinutes(1), 0).tags(k -> java.util.Set.of("customer-7")).clock(clock).build())) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            for (int i = 0; i < 50; i++) {
                h.handle("old-" + i, invocation);
            }
            clock.advance(Duration.ofMinutes(2)); // all 50 have expired
            h.handle("new", invocation);
            try (var raw = redis.client().connect()) {
                assertEquals(1, raw.sync().zcard("cache:6:tagged:g:customer-7"), "the tag holds the live key only (it held 51)");
            }
            assertEquals(1, cache.invalidateTag("customer-7"));
        }
    }

    @Test
    void redisFrozen_callsAreAnsweredByTheLoader_andCachingResumesAfterTheThaw() {
        try (CacheAside<String, String> cache = CacheAside.of(
                RedisCacheStore.builder(redis.client()).timeout(Duration.ofMillis(200)).build(),
                CacheConfig.builder("frozen", (String k) -> k, Codecs.utf8()).storeRetry(Duration.ofMillis(500)).build())) {
            Handler<String, String> h = Decorators.decorate(loader, cache);
            assertEquals("v-a", h.handle("a", invocation));
            redis.freeze();
            try {
                for (int i = 0; i < 5; i++) {
                    assertEquals("v-a", h.handle("a", invocation), "every call succeeds through the loader");
                }
            } finally {
                redis.thaw();
            }
            assertTrue(cache.metrics().redisErrors() >= 1, "the freeze was noticed: " + cache.metrics());
            assertTrue(cache.metrics().redisSkipped() >= 1, "and Redis skipped meanwhile, not waited on by every call: " + cache.metrics());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long hitsBefore = cache.metrics().hits();
            while (cache.metrics().hits() == hitsBefore && System.nanoTime() < deadline) {
                h.handle("a", invocation);
            }
            assertTrue(cache.metrics().hits() > hitsBefore, "caching resumed after the thaw: " + cache.metrics());
        }
    }
}
