package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.ConcurrencyChecks;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.IdempotencyStoreException;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisCommandCounter;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class RedisIdempotencyScenarioTest {

    private static Invocation invocation() {
        return Invocation.builder().timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void storeCalls_firstIsTwo_repeatIsOne_repeatWithLocalCacheIsZero(RedisService redis) {
        RedisClient client = RedisClient.create(redis.uri());
        RedisCommandCounter counter = RedisCommandCounter.attach(client);
        try (RedisIdempotencyStore store = RedisIdempotencyStore.create(client)) {
            AtomicInteger runs = new AtomicInteger();
            Handler<String, String> handler = Decorators.decorate((in, inv) -> in + "-" + runs.incrementAndGet(),
                    Idempotency.of(store, IdempotencyConfig.<String, String>builder("budget", k -> k, Codecs.utf8()).build()));
            String key = "budget-" + System.nanoTime();
            handler.handle("warm-up-" + key, invocation()); // the connection's handshake (HELLO) is not a store call
            // nor the eviction-policy check (INFO) the store runs in the background after connecting
            counter.awaitSettingsChecked(Duration.ofSeconds(30));
            counter.reset();

            handler.handle(key, invocation());
            assertEquals(2, counter.count(), "first call: claim + complete, one script each: " + counter.commands());
            counter.reset();
            handler.handle(key, invocation());
            assertEquals(List.of("EVAL"), counter.commands(), "repeat: one claim");

            Handler<String, String> cached = Decorators.decorate((in, inv) -> in + "-" + runs.incrementAndGet(),
                    Idempotency.of(store, IdempotencyConfig.<String, String>builder("budget-cached", k -> k, Codecs.utf8())
                            .localCache(100).build()));
            cached.handle(key, invocation());
            counter.reset();
            cached.handle(key, invocation());
            assertEquals(List.of(), counter.commands(), "repeat with the local cache");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void storeDown_raisesAClearErrorNamingTheStore_andTheHandlerDoesNotRun() {
        RedisClient dead = RedisClient.create("redis://127.0.0.1:9");
        try (RedisIdempotencyStore store = RedisIdempotencyStore.create(dead)) {
            AtomicInteger runs = new AtomicInteger();
            Handler<String, String> handler = Decorators.decorate((in, inv) -> "ran-" + runs.incrementAndGet(),
                    Idempotency.of(store, IdempotencyConfig.<String, String>builder("down", k -> k, Codecs.utf8()).build()));
            IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class, () -> handler.handle("k", invocation()));
            assertTrue(e.getMessage().contains("Redis store (prefix 'idempotency:') failed on claim for key down#"), e.getMessage());
            assertEquals(0, runs.get());
        } finally {
            dead.shutdown();
        }
    }

    @Test
    void sixtyFourThreads_oneKey_runTheHandlerExactlyOnce(RedisService redis) throws Exception {
        try (RedisIdempotencyStore store = RedisIdempotencyStore.create(redis.client())) {
            ConcurrencyChecks.assertExactlyOnce(store, 64);
        }
    }

    @Test
    void fourJvms_sharingRedis_runTheHandlerExactlyOnce(RedisService redis) throws Exception {
        ConcurrencyChecks.assertExactlyOnceAcrossJvms("redis", redis.uri().toURI().toString(), "-", 4, 8);
    }
}
