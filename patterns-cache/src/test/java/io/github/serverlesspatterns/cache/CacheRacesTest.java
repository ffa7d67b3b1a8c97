package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.DeadlineExceededException;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads that race invalidations and deadlines, on real Redis: two caches on two connections stand
 * for two instances of a function.
 */
@ExtendWith(LocalServicesExtension.class)
class CacheRacesTest {

    private final AtomicReference<String> database = new AtomicReference<>("v7");
    private final AtomicInteger loads = new AtomicInteger();
    private final String name = "races-" + UUID.randomUUID().toString().substring(0, 8);

    private CacheAside<String, String> cache(RedisClient client) {
        return CacheAside.of(client, CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(5), 0).nearCache(100, Duration.ofSeconds(30)).build());
    }

    /** A loader whose first call reads the database, then waits for {@code release} before answering. */
    private Handler<String, String> firstLoadWaits(CountDownLatch reading, CountDownLatch release) {
        return (key, inv) -> {
            String value = database.get();
            if (loads.incrementAndGet() == 1) {
                reading.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return value;
        };
    }

    private static Invocation invocation(String id, Duration timeout) {
        return Invocation.builder().requestId(id).timeout(timeout).build();
    }

    @Test
    void anInvalidationDuringALoad_neverLetsTheOlderValueBackIn_onAnyInstance(RedisService redis) throws Exception {
        RedisClient other = RedisClient.create(redis.uri());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CacheAside<String, String> a = cache(redis.client()); CacheAside<String, String> b = cache(other)) {
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Handler<String, String> readsA = Decorators.decorate(firstLoadWaits(reading, release), a);
            Handler<String, String> readsB = Decorators.decorate((key, inv) -> {
                loads.incrementAndGet();
                return database.get();
            }, b);
            Future<String> slowRead = pool.submit(() -> readsA.handle("report-1", invocation("a-1", Duration.ofSeconds(30))));
            assertTrue(reading.await(20, TimeUnit.SECONDS)); // A's load has read v7
            database.set("v8");
            b.invalidate("report-1"); // the source changed: B invalidates, while A's load is in flight
            release.countDown();
            assertEquals("v7", slowRead.get(20, TimeUnit.SECONDS), "A's reader began before the change and gets what it read");
            assertEquals("v8", readsB.handle("report-1", invocation("b-1", Duration.ofSeconds(30))), "B does not get v7 back from Redis");
            assertEquals("v8", readsA.handle("report-1", invocation("a-2", Duration.ofSeconds(30))), "nor does A, from Redis or its near cache");
            assertEquals(1, a.metrics().overtakenLoads(), "A's load was not written");
        } finally {
            pool.shutdownNow();
            other.shutdown();
        }
    }

    @Test
    void afterAnInvalidation_newReaders_doNotJoinALoadThatBeganBeforeIt(RedisService redis) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CacheAside<String, String> a = cache(redis.client())) {
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Handler<String, String> reads = Decorators.decorate(firstLoadWaits(reading, release), a);
            Future<String> first = pool.submit(() -> reads.handle("report-2", invocation("r-1", Duration.ofSeconds(30))));
            assertTrue(reading.await(20, TimeUnit.SECONDS));
            database.set("v8");
            a.invalidate("report-2");
            assertEquals("v8", reads.handle("report-2", invocation("r-2", Duration.ofSeconds(30))),
                    "a read that starts after invalidate() returned gets the new value, not the load in flight");
            release.countDown();
            assertEquals("v7", first.get(20, TimeUnit.SECONDS));
            assertEquals("v8", reads.handle("report-2", invocation("r-3", Duration.ofSeconds(30))));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaiter_endsAtItsOwnDeadline_withItsOwnError(RedisService redis) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CacheAside<String, String> a = cache(redis.client())) {
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Handler<String, String> reads = Decorators.decorate(firstLoadWaits(reading, release), a);
            Future<String> leader = pool.submit(() -> reads.handle("report-3", invocation("leader", Duration.ofSeconds(60))));
            assertTrue(reading.await(20, TimeUnit.SECONDS));
            DeadlineExceededException e = assertThrows(DeadlineExceededException.class,
                    () -> reads.handle("report-3", invocation("short-waiter", Duration.ofMillis(300))));
            assertEquals("short-waiter", e.requestId(), "its own deadline, not the leader's");
            release.countDown();
            assertEquals("v7", leader.get(20, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeadersFailure_isNotServedToWaiters_theyLoadUnderTheirOwnInvocation(RedisService redis) throws Exception {
        int waiters = 8;
        ExecutorService pool = Executors.newFixedThreadPool(waiters + 1);
        try (CacheAside<String, String> a = cache(redis.client())) {
            CountDownLatch leaderLoading = new CountDownLatch(1);
            CountDownLatch failNow = new CountDownLatch(1);
            Handler<String, String> loader = (key, inv) -> {
                if (inv.requestId().equals("leader")) {
                    leaderLoading.countDown();
                    try {
                        failNow.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("deadline of invocation leader");
                }
                loads.incrementAndGet();
                return database.get();
            };
            Handler<String, String> reads = Decorators.decorate(loader, a);
            Future<String> leader = pool.submit(() -> reads.handle("report-4", invocation("leader", Duration.ofSeconds(60))));
            assertTrue(leaderLoading.await(20, TimeUnit.SECONDS));
            List<Future<String>> others = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                String id = "waiter-" + i;
                others.add(pool.submit(() -> reads.handle("report-4", invocation(id, Duration.ofSeconds(60)))));
            }
            Thread.sleep(200); // let them join the leader's load
            failNow.countDown();
            assertThrows(java.util.concurrent.ExecutionException.class, () -> leader.get(20, TimeUnit.SECONDS),
                    "the leader gets its own failure");
            for (Future<String> f : others) {
                assertEquals("v7", f.get(20, TimeUnit.SECONDS), "a waiter with time left loads under its own invocation");
            }
            assertTrue(loads.get() >= 1 && loads.get() <= waiters, "the waiters shared loads again: " + loads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anErrorReplyAboutOneKey_doesNotTurnRedisOffForTheOthers(RedisService redis) {
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(5), 0).build());
             var raw = redis.client().connect()) {
            raw.sync().rpush("cache:" + name.length() + ":" + name + ":v:broken", "a list where a value should be"); // WRONGTYPE
            Handler<String, String> reads = Decorators.decorate((k, inv) -> {
                loads.incrementAndGet();
                return "v-" + k;
            }, cache);
            reads.handle("healthy", invocation("i-1", Duration.ofSeconds(30)));
            assertEquals("v-broken", reads.handle("broken", invocation("i-2", Duration.ofSeconds(30))), "the loader answers that key");
            assertEquals("v-healthy", reads.handle("healthy", invocation("i-3", Duration.ofSeconds(30))));
            assertEquals(1, cache.metrics().hits(), "the other key was still read from Redis, not skipped");
            assertEquals(0, cache.metrics().redisSkipped());
        }
    }
}
