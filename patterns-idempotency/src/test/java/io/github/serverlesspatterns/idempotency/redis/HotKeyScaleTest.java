package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisCommandCounter;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCALE.md's idempotency model on a hot key, checked on Redis 7: after one call completes a key,
 * 1, 16 and 64 instances (each its own decorator, as Lambda instances) repeat it 20 times each.
 * Counted: without a local cache one store command per repeat; with it, one per instance.
 */
@ExtendWith(LocalServicesExtension.class)
class HotKeyScaleTest {

    private static final int REPEATS = 20;

    private static long[] run(RedisService redis, int instances, int localCache) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        RedisClient client = RedisClient.create(redis.uri());
        RedisCommandCounter commands = RedisCommandCounter.attach(client);
        String key = "hot-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(instances, 16));
        try (RedisIdempotencyStore store = RedisIdempotencyStore.create(client)) {
            List<Handler<String, String>> fleet = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                fleet.add(Decorators.decorate((k, inv) -> "paid-" + runs.incrementAndGet(), Idempotency.of(store,
                        IdempotencyConfig.builder("hot", (String k) -> k, Codecs.utf8()).localCache(localCache).build())));
            }
            fleet.get(0).handle("warm-up-" + key, Invocation.builder().build()); // the connection, not the key's cost
            fleet.get(0).handle(key, Invocation.builder().build());              // the first call: claim + complete
            commands.reset();
            List<Future<?>> done = new ArrayList<>();
            for (Handler<String, String> instance : fleet) {
                done.add(pool.submit(() -> {
                    for (int r = 0; r < REPEATS; r++) {
                        assertEquals("paid-2", instance.handle(key, Invocation.builder().build()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            return new long[] {commands.count(), runs.get()};
        } finally {
            pool.shutdownNow();
            client.shutdown();
        }
    }

    @Test
    void repeatsOfAHotKey_costOneCommandEach_orOnePerInstanceWithTheLocalCache(RedisService redis) throws Exception {
        for (int instances : new int[] {1, 16, 64}) {
            long[] plain = run(redis, instances, 0);
            long[] cached = run(redis, instances, 100);
            long repeats = (long) instances * REPEATS;
            System.out.printf("idempotency hot key on Redis 7, %d instances x %d repeats: %d commands without a local cache "
                    + "(model %d), %d with it (model %d); the handler ran %d and %d times (warm-up + first call)%n",
                    instances, REPEATS, plain[0], repeats, cached[0], instances, plain[1], cached[1]);
            assertEquals(2, plain[1], "the handler ran for the warm-up and the first call only");
            assertEquals(2, cached[1]);
            assertTrue(plain[0] <= repeats, "one command per repeat at most: " + plain[0]);
            assertTrue(cached[0] <= instances, "one command per instance at most: " + cached[0]);
        }
    }
}
