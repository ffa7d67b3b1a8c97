package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@link CacheAside#afterRestore()}, driven directly as SnapStart's hook would after a restore, on real Redis. */
@ExtendWith(LocalServicesExtension.class)
class CacheRestoreTest {

    @Test
    void afterARestore_theCacheHasANewId_newConnections_anEmptyNearCache_andHearsPeersInvalidations(RedisService redis)
            throws Exception {
        String name = "restore-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicReference<String> database = new AtomicReference<>("v1");
        AtomicInteger loads = new AtomicInteger();
        RedisClient peerClient = RedisClient.create(redis.uri());
        CacheConfig<String, String> config = CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                .nearCache(100, Duration.ofMinutes(5)).ttl(Duration.ofMinutes(5), 0).build();
        try (CacheAside<String, String> restored = CacheAside.of(redis.client(), config);
             CacheAside<String, String> peer = CacheAside.of(peerClient, config)) {
            Handler<String, String> reads = Decorators.decorate((k, inv) -> {
                loads.incrementAndGet();
                return database.get();
            }, restored);
            restored.prime(); // before the snapshot: connection and subscription opened
            String idInTheSnapshot = restored.instanceId();
            assertEquals("v1", reads.handle("k", Invocation.builder().build())); // near-cached before the snapshot

            restored.afterRestore();
            assertNotEquals(idInTheSnapshot, restored.instanceId(), "each restored environment gets an id of its own");
            assertEquals("v1", reads.handle("k", Invocation.builder().build()), "from Redis, over a new connection");
            assertEquals(0, restored.metrics().nearHits(), "the near cache did not answer: it was dropped");
            assertEquals(1, loads.get(), "the value came from Redis, not the loader");

            database.set("v2");
            peer.invalidate("k"); // another environment invalidates after the restore
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String seen = "v1";
            while (!seen.equals("v2") && System.nanoTime() < until) {
                seen = reads.handle("k", Invocation.builder().build());
                Thread.sleep(20);
            }
            assertEquals("v2", seen, "the restored instance's near cache heard the invalidation over its new subscription");
        } finally {
            peerClient.shutdown();
        }
    }
}
