package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.cache.redis.RedisCacheStore;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.PostgresService;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache on real Redis, with an embedded PostgreSQL as the loader's database. */
@ExtendWith(LocalServicesExtension.class)
class CacheAsideTest {

    private PostgresService postgres;
    private RedisService redis;
    private final AtomicInteger queries = new AtomicInteger();
    private final Invocation invocation = Invocation.builder().build();

    @BeforeEach
    void setUp(PostgresService postgres, RedisService redis) throws SQLException {
        this.postgres = postgres;
        this.redis = redis;
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("create table if not exists report_totals (id text primary key, total text)");
        }
    }

    private void put(String id, String total) throws SQLException {
        try (Connection c = postgres.connect(); PreparedStatement s = c.prepareStatement(
                "insert into report_totals values (?, ?) on conflict (id) do update set total = excluded.total")) {
            s.setString(1, id);
            s.setString(2, total);
            s.executeUpdate();
        }
    }

    /** The loader: a real SQL query, slowed down a little like a busy reporting database. */
    private Handler<String, String> query(long delayMillis) {
        return (id, inv) -> {
            queries.incrementAndGet();
            try (Connection c = postgres.connect(); PreparedStatement s = c.prepareStatement("select total from report_totals where id = ?")) {
                Thread.sleep(delayMillis);
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("report query failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    private static String newKey() {
        return "r-" + UUID.randomUUID();
    }

    private static List<String> concurrently(int threads, Handler<String, String> h, String key, Invocation inv) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return h.handle(key, inv);
                }));
            }
            start.countDown();
            List<String> out = new ArrayList<>();
            for (Future<String> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void hundredConcurrentMisses_inOneJvm_runTheLoaderOnce() throws Exception {
        String key = newKey();
        put(key, "42");
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(),
                CacheConfig.builder("reports", (String k) -> k, Codecs.utf8()).build())) {
            List<String> results = concurrently(100, Decorators.decorate(query(100), cache), key, invocation);
            assertTrue(results.stream().allMatch("42"::equals));
            assertEquals(1, queries.get());
        }
    }

    @Test
    void concurrentMisses_onTwoInstances_inLockMode_runTheLoaderOnce() throws Exception {
        String key = newKey();
        put(key, "7");
        RedisClient other = RedisClient.create(redis.uri());
        try (CacheAside<String, String> a = CacheAside.of(redis.client(), CacheConfig.builder("reports", (String k) -> k, Codecs.utf8()).build());
             CacheAside<String, String> b = CacheAside.of(other, CacheConfig.builder("reports", (String k) -> k, Codecs.utf8()).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<List<String>> fa = pool.submit(() -> concurrently(20, Decorators.decorate(query(300), a), key, invocation));
            Future<List<String>> fb = pool.submit(() -> concurrently(20, Decorators.decorate(query(300), b), key, invocation));
            assertTrue(fa.get(30, TimeUnit.SECONDS).stream().allMatch("7"::equals));
            assertTrue(fb.get(30, TimeUnit.SECONDS).stream().allMatch("7"::equals));
            pool.shutdown();
            assertEquals(1, queries.get(), "one load across both instances");
        } finally {
            other.shutdown();
        }
    }

    @Test
    void valuesExpireWithTheirTtl_andAbsencesAreCachedForTheShorterNegativeTtl() throws Exception {
        String key = newKey();
        String missing = newKey();
        put(key, "v1");
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("reports", (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofSeconds(3), 0).negativeTtl(Duration.ofMillis(300)).build())) {
            Handler<String, String> h = Decorators.decorate(query(0), cache);
            assertEquals("v1", h.handle(key, invocation));
            put(key, "v2");
            assertEquals("v1", h.handle(key, invocation), "cached");
            assertNull(h.handle(missing, invocation));
            assertNull(h.handle(missing, invocation));
            assertEquals(2, queries.get(), "the absence was cached too");
            Thread.sleep(400); // real Redis expiry (PX): the negative entry is gone; the value (3 s) not yet, with 2.6 s to spare
            assertNull(h.handle(missing, invocation));
            assertEquals(3, queries.get());
            assertEquals("v1", h.handle(key, invocation));
            // then the value expires: read until the reload shows (no upper bound on when, only that it comes once)
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String read;
            while (!"v2".equals(read = h.handle(key, invocation))) {
                assertEquals("v1", read);
                assertTrue(System.nanoTime() < until, "the value never expired");
                Thread.sleep(50);
            }
            assertEquals(4, queries.get(), "expired, reloaded once");
        }
    }

    @Test
    void anInvalidation_reachesTheNearCacheOfAnotherInstance() throws Exception {
        String key = newKey();
        put(key, "old");
        RedisClient other = RedisClient.create(redis.uri());
        try (CacheAside<String, String> a = CacheAside.of(redis.client(), CacheConfig.builder("near", (String k) -> k, Codecs.utf8())
                .nearCache(100, Duration.ofMinutes(5)).build());
             CacheAside<String, String> b = CacheAside.of(other, CacheConfig.builder("near", (String k) -> k, Codecs.utf8())
                     .nearCache(100, Duration.ofMinutes(5)).build())) {
            Handler<String, String> ha = Decorators.decorate(query(0), a);
            Handler<String, String> hb = Decorators.decorate(query(0), b);
            assertEquals("old", ha.handle(key, invocation));
            assertEquals("old", hb.handle(key, invocation));
            assertEquals("old", hb.handle(key, invocation));
            assertTrue(b.metrics().nearHits() >= 1, "b answers from its near cache");
            put(key, "new");
            a.invalidate(key);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // bounds a hang; no speed is asserted
            String seen = hb.handle(key, invocation);
            while (!seen.equals("new") && System.nanoTime() < deadline) {
                Thread.sleep(10);
                seen = hb.handle(key, invocation);
            }
            assertEquals("new", seen, "b's near cache dropped the key: the invalidation reached it");
            assertEquals(1, b.metrics().invalidations());
        } finally {
            other.shutdown();
        }
    }

    @Test
    void changeEvents_becomeInvalidations_soTheNextReadSeesTheNewData() throws Exception {
        String key = newKey();
        put(key, "before");
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("changes", (String k) -> k, Codecs.utf8()).build())) {
            Handler<String, String> h = Decorators.decorate(query(0), cache);
            assertEquals("before", h.handle(key, invocation));
            put(key, "after");
            Handler<List<String>, Integer> onChange = cache.invalidationHandler((List<String> changedIds) -> changedIds);
            assertEquals(1, onChange.handle(List.of(key), invocation));
            assertEquals("after", h.handle(key, invocation));
            assertThrows(IllegalArgumentException.class, () -> cache.invalidationHandler((String e) -> null).handle("x", invocation));
        }
    }

    @Test
    void invalidatingATag_dropsEveryKeyWithIt_andOnlyThose() throws Exception {
        String a = newKey();
        String b = newKey();
        String c = newKey();
        for (String k : List.of(a, b, c)) {
            put(k, "v1");
        }
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("tags", (String k) -> k, Codecs.utf8())
                .tags(k -> k.equals(c) ? java.util.Set.of("customer-2") : java.util.Set.of("customer-1")).build())) {
            Handler<String, String> h = Decorators.decorate(query(0), cache);
            List.of(a, b, c).forEach(k -> h.handle(k, invocation));
            for (String k : List.of(a, b, c)) {
                put(k, "v2");
            }
            assertEquals(2, cache.invalidateTag("customer-1"));
            assertEquals("v2", h.handle(a, invocation));
            assertEquals("v2", h.handle(b, invocation));
            assertEquals("v1", h.handle(c, invocation), "other tags keep their cached values");
        }
    }

    @Test
    void redisStoppedMidTest_callsKeepSucceedingThroughTheLoader_andCachingResumesWhenItReturns() throws Exception {
        String key = newKey();
        put(key, "steady");
        try (CacheAside<String, String> cache = CacheAside.of(
                RedisCacheStore.builder(redis.client()).timeout(Duration.ofMillis(200)).build(),
                CacheConfig.builder("outage", (String k) -> k, Codecs.utf8()).storeRetry(Duration.ofMillis(300)).build())) {
            Handler<String, String> h = Decorators.decorate(query(0), cache);
            assertEquals("steady", h.handle(key, invocation));
            redis.stop();
            try {
                for (int i = 0; i < 20; i++) {
                    assertEquals("steady", h.handle(key, invocation), "no failed call while Redis is down");
                }
                assertTrue(cache.metrics().redisErrors() >= 1);
                assertTrue(cache.metrics().redisSkipped() >= 10, "a dead Redis is skipped, not waited for on every call");
            } finally {
                redis.restart();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long hitsBefore = cache.metrics().hits();
            while (cache.metrics().hits() <= hitsBefore + 1 && System.nanoTime() < deadline) {
                assertEquals("steady", h.handle(key, invocation));
                Thread.sleep(50);
            }
            assertTrue(cache.metrics().hits() > hitsBefore + 1, "caching resumed after Redis came back: " + cache.metrics());
        }
    }

    @Test
    void bulkRead_getsManyKeysInOneRoundTrip_andLoadsOnlyTheMisses() throws Exception {
        String k1 = newKey();
        String k2 = newKey();
        put(k1, "one");
        put(k2, "two");
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("bulk", (String k) -> k, Codecs.utf8()).build())) {
            Handler<String, String> h = Decorators.decorate(query(0), cache);
            h.handle(k1, invocation);
            assertEquals(Map.of(k1, "one", k2, "two"), cache.getAll(List.of(k1, k2), query(0), invocation));
            assertEquals(2, queries.get(), "k1 came from Redis");
        }
    }

    @Test
    void loaderExceptions_passThroughUnwrapped_toEveryWaiter() throws Exception {
        IllegalStateException boom = new IllegalStateException("database down");
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("errors", (String k) -> k, Codecs.utf8()).build())) {
            Handler<String, String> h = Decorators.decorate((k, inv) -> {
                throw boom;
            }, cache);
            assertSame(boom, assertThrows(IllegalStateException.class, () -> h.handle(newKey(), invocation)));
        }
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.builder("bad name", (String k) -> k, Codecs.utf8()));
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.builder("n", (String k) -> k, Codecs.utf8()).ttl(Duration.ofSeconds(1), 0.9));
        assertThrows(IllegalStateException.class, () -> CacheConfig.builder("n", (String k) -> k, Codecs.utf8())
                .lock(Duration.ofSeconds(1), Duration.ofSeconds(2)).build());
    }

    @Test
    void prime_connectsAndReads_writesNothing_andDoesNotCallTheLoader() {
        try (var admin = redis.client().connect();
             CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("prime", (String k) -> k,
                     io.github.serverlesspatterns.core.Codecs.utf8()).nearCache(10, java.time.Duration.ofMinutes(1)).build())) {
            admin.sync().flushall();
            admin.sync().configResetstat();
            cache.prime();
            assertEquals(0L, admin.sync().dbsize(), "priming wrote a key");
            String stats = admin.sync().info("commandstats");
            assertTrue(stats.contains("cmdstat_get:calls=1,"), "one GET: " + stats);
            assertTrue(!stats.contains("cmdstat_set:") && !stats.contains("cmdstat_del:"), "no write: " + stats);
            assertEquals(0, cache.metrics().loads(), "priming called the loader");
        }
    }

    @Test
    void prime_whenRedisIsDown_namesTheCache() {
        try (CacheAside<String, String> cache = CacheAside.of(io.lettuce.core.RedisClient.create("redis://127.0.0.1:9"),
                CacheConfig.builder("prime-down", (String k) -> k, io.github.serverlesspatterns.core.Codecs.utf8()).build())) {
            io.github.serverlesspatterns.core.PatternsException e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.github.serverlesspatterns.core.PatternsException.class, cache::prime);
            assertTrue(e.getMessage().contains("prime-down"), e.getMessage());
        }
    }
}
