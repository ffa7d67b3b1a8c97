package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisCommandCounter;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCALE.md's cache model under a Zipf key distribution, checked on Redis 7: 1, 16 and 64
 * instances (each its own CacheAside with a near cache, as Lambda instances) read 200 keys each,
 * drawn from 500 keys with Zipf exponent 1.1 (fixed seeds). The model, from the draws themselves:
 * near hits = reads minus the keys an instance touched (its repeats); Redis lookups = the keys each
 * instance touched; loads = the keys touched cluster-wide (LOCK mode: one load per key).
 * The Redis commands the client really sends are counted by type and checked against the read
 * path: a {@code GET} per lookup, a {@code SET NX} lock attempt per miss, a second {@code GET} and a
 * {@code DEL} per lock won, an {@code EVAL} (compare-and-set write) per load, and the waiters' poll
 * {@code GET}s (every 20 ms while another instance loads) - the only part the draws do not fix.
 */
@ExtendWith(LocalServicesExtension.class)
class ZipfScaleTest {

    private static final int KEYS = 500;
    private static final int READS = 200;
    private static final double EXPONENT = 1.1;

    private static int[] draws(long seed) {
        double[] cumulative = new double[KEYS];
        double sum = 0;
        for (int k = 0; k < KEYS; k++) {
            sum += 1 / Math.pow(k + 1, EXPONENT);
            cumulative[k] = sum;
        }
        Random random = new Random(seed);
        int[] keys = new int[READS];
        for (int i = 0; i < READS; i++) {
            double u = random.nextDouble() * sum;
            int k = java.util.Arrays.binarySearch(cumulative, u);
            keys[i] = k >= 0 ? k : -k - 1;
        }
        return keys;
    }

    @Test
    void nearHitsRedisLookupsAndLoads_matchTheModel_at1_16And64Instances(RedisService redis) throws Exception {
        for (int instances : new int[] {1, 16, 64}) {
            String name = "zipf-" + instances + "-" + System.nanoTime() % 100_000;
            AtomicInteger loads = new AtomicInteger();
            Handler<String, String> database = (key, inv) -> {
                loads.incrementAndGet();
                return "report-" + key;
            };
            RedisClient client = RedisClient.create(redis.uri());
            RedisCommandCounter counter = RedisCommandCounter.attach(client);
            List<CacheAside<String, String>> caches = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(instances, 16));
            long modelNear = 0;
            long modelLookups = 0;
            Set<Integer> touched = new HashSet<>();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    CacheAside<String, String> cache = CacheAside.of(client, CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                            .ttl(Duration.ofMinutes(10), 0).nearCache(KEYS, Duration.ofMinutes(10))
                            .stampede(CacheConfig.StampedeProtection.LOCK).build());
                    caches.add(cache);
                    int[] keys = draws(i);
                    Set<Integer> mine = new HashSet<>();
                    for (int k : keys) {
                        mine.add(k);
                        touched.add(k);
                    }
                    modelNear += READS - mine.size();
                    modelLookups += mine.size();
                    Handler<String, String> reports = Decorators.decorate(database, cache);
                    done.add(pool.submit(() -> {
                        for (int k : keys) {
                            assertEquals("report-k" + k, reports.handle("k" + k, Invocation.builder().build()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(5, TimeUnit.MINUTES);
                }
                long near = caches.stream().mapToLong(c -> c.metrics().nearHits()).sum();
                long lookups = caches.stream().mapToLong(c -> c.metrics().hits() + c.metrics().misses()).sum();
                long errors = caches.stream().mapToLong(c -> c.metrics().redisErrors()).sum();
                System.out.printf("cache, Zipf %.1f over %d keys, %d instances x %d reads: near hits %d (model %d), Redis lookups %d "
                                + "(model %d), loads %d (model %d keys touched), near-hit ratio %.3f%n", EXPONENT, KEYS, instances, READS,
                        near, modelNear, lookups, modelLookups, loads.get(), touched.size(), near / (double) (instances * READS));
                long misses = caches.stream().mapToLong(c -> c.metrics().misses()).sum();
                Map<String, Long> byType = counter.commands().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                long gets = byType.getOrDefault("GET", 0L);
                long locks = byType.getOrDefault("SET", 0L);
                long releases = byType.getOrDefault("DEL", 0L);
                long writes = byType.getOrDefault("EVAL", 0L);
                long polls = gets - lookups - releases;
                long perReadPath = gets + locks + releases + writes;
                System.out.printf("cache, Zipf, %d instances: Redis commands on the read path %d (model %d) = GET %d (lookups %d + re-reads under a "
                                + "lock %d + waiters' polls %d) + SET NX %d (misses %d) + DEL %d + EVAL %d (loads %d); %.3f per read; "
                                + "all commands by type %s%n", instances, perReadPath, lookups + 4L * loads.get(), gets, lookups, releases, polls, locks, misses, releases,
                        writes, loads.get(), perReadPath / (double) (instances * READS), byType);
                assertEquals(misses, locks, "one lock attempt (SET NX) per miss");
                assertEquals(loads.get(), writes, "one compare-and-set write (EVAL) per load");
                assertTrue(releases >= loads.get() - instances && releases <= locks, "a DEL per lock won, and a load per lock won but a few: " + byType);
                assertTrue(polls >= 0, "GETs = lookups + re-reads under a lock + polls: " + byType);
                assertEquals(perReadPath + byType.getOrDefault("SUBSCRIBE", 0L), counter.count(),
                        "no other command on the read path (each instance subscribes once for invalidations): " + byType);
                long modelCommands = lookups + 4L * loads.get();
                assertTrue(perReadPath >= modelCommands && perReadPath <= modelCommands * 1.10,
                        "read-path commands within +10 % of the model (lookups + 4 x loads = " + modelCommands + "): " + perReadPath);
                assertEquals(0, errors);
                assertEquals(modelNear, near, "an instance's repeats are near hits");
                assertEquals(modelLookups, lookups, "each key an instance touched is looked up in Redis once");
                assertTrue(loads.get() >= touched.size() && loads.get() <= touched.size() + instances,
                        "one load per key cluster-wide (plus at most one per instance whose lock wait ran out): " + loads.get());
            } finally {
                pool.shutdownNow();
                caches.forEach(CacheAside::close);
                client.shutdown();
            }
        }
    }
}
