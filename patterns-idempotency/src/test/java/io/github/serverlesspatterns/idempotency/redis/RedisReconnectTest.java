package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.idempotency.IdempotencyStoreException;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's connection when Redis drops it, on real Redis: it is replaced, never added to. */
@ExtendWith(LocalServicesExtension.class)
class RedisReconnectTest {

    @Test
    void connectionsDroppedByTheServer_areReplaced_notLeftReconnectingBesideNewOnes(RedisService redis) throws Exception {
        String name = "leak-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient storeClient = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> admin = redis.client().connect();
             RedisIdempotencyStore store = RedisIdempotencyStore.create(storeClient)) {
            admin.sync().clientSetname("admin");
            Handler<String, String> once = Decorators.decorate((k, inv) -> "done-" + k,
                    Idempotency.of(store, IdempotencyConfig.<String, String>builder(name, k -> k, Codecs.utf8()).build()));
            int most = 0;
            for (int round = 0; round < 10; round++) {
                try {
                    once.handle("k-" + round, Invocation.builder().build());
                } catch (IdempotencyStoreException dropped) {
                    // the call that finds its connection dropped may fail; the next one reconnects
                }
                admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme());
                Thread.sleep(50);
                most = Math.max(most, (int) admin.sync().clientList().lines().count());
            }
            once.handle("k-last", Invocation.builder().build());
            long now = admin.sync().clientList().lines().count();
            assertTrue(most <= 3 && now <= 3, "connections on the server: at most " + most + ", now " + now
                    + " (the admin's and the store's, and one being replaced)");
        } finally {
            storeClient.shutdown();
        }
    }
}
