package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The other instance of the cross-JVM invalidation race: reads {@code key} through a cache whose
 * loader reads the "database" (the Redis string {@code db:key}), then says so ({@code loading:key})
 * and waits for {@code go:key} before answering, so the test can change the source and invalidate
 * meanwhile. Prints what its reader got. Arguments: {@code redisUri cacheName key}.
 */
public final class InvalidationRaceWorkerMain {

    private InvalidationRaceWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        RedisClient client = RedisClient.create(args[0]);
        String key = args[2];
        try (StatefulRedisConnection<String, String> raw = client.connect();
             CacheAside<String, String> cache = CacheAside.of(client, CacheConfig.builder(args[1], (String k) -> k, Codecs.utf8())
                     .nearCache(100, java.time.Duration.ofMinutes(1)).build())) {
            RedisCommands<String, String> redis = raw.sync();
            Handler<String, String> reads = Decorators.decorate((k, inv) -> {
                String value = redis.get("db:" + k);
                redis.set("loading:" + k, "1");
                long until = System.currentTimeMillis() + 60_000;
                while (redis.get("go:" + k) == null && System.currentTimeMillis() < until) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return value;
            }, cache);
            System.out.println("RESULT first=" + reads.handle(key, Invocation.builder().build()));
        } finally {
            client.shutdown();
        }
    }
}
