package io.github.serverlesspatterns.circuitbreaker.redis;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCALE.md's breaker model checked on Redis 7: 1, 16 and 64 breaker instances (as many Lambda
 * instances, each with its own local view) share one circuit, each making calls at its own pace.
 * Counted, not timed: the store commands are counted and compared with the model, computed from
 * the run's own elapsed time - without the local cache one command per call; with
 * {@code localReadStaleness(d)} at most a read and a write per instance per {@code d}.
 */
@ExtendWith(LocalServicesExtension.class)
class BreakerScaleTest {

    private static final int CALLS_PER_INSTANCE = 40;
    private static final Duration STALENESS = Duration.ofMillis(200);

    private record Run(int instances, long commands, long calls, long elapsedNanos) {
    }

    private static Run run(RedisService redis, int instances, CircuitBreakerConfig config) throws Exception {
        RedisClient client = RedisClient.create(redis.uri());
        RedisCommandCounter commands = RedisCommandCounter.attach(client);
        String circuit = "scale-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(instances, 16));
        try (RedisCircuitStateStore store = RedisCircuitStateStore.create(client)) {
            List<Handler<String, String>> breakers = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                breakers.add(Decorators.decorate((in, inv) -> "ok", CircuitBreaker.of(circuit, store, config).decorator()));
            }
            breakers.get(0).handle("warm-up", Invocation.builder().build()); // the connection, not a call's cost
            commands.reset();
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (Handler<String, String> instance : breakers) {
                done.add(pool.submit(() -> {
                    for (int c = 0; c < CALLS_PER_INSTANCE; c++) {
                        instance.handle("x", Invocation.builder().build());
                        Thread.sleep(5);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            return new Run(instances, commands.count(), (long) instances * CALLS_PER_INSTANCE, System.nanoTime() - start);
        } finally {
            pool.shutdownNow();
            client.shutdown();
        }
    }

    @Test
    void storeCommandsPerCall_stayWithinTheModel_at1_16And64Instances(RedisService redis) throws Exception {
        CircuitBreakerConfig cached = CircuitBreakerConfig.builder().localReadStaleness(STALENESS).build();
        for (int instances : new int[] {1, 16, 64}) {
            Run plain = run(redis, instances, CircuitBreakerConfig.ofDefaults());
            Run withCache = run(redis, instances, cached);
            double windows = withCache.elapsedNanos() / (double) STALENESS.toNanos() + 1;
            long modelled = Math.round(2 * instances * Math.ceil(windows));
            System.out.printf("breaker on Redis 7, %d instances: without cache %d commands for %d calls (%.3f per call, model 1);"
                            + " with localReadStaleness(200 ms) %d commands for %d calls in %.2f s (%.3f per call, model <= %d)%n",
                    instances, plain.commands(), plain.calls(), plain.commands() / (double) plain.calls(), withCache.commands(),
                    withCache.calls(), withCache.elapsedNanos() / 1e9, withCache.commands() / (double) withCache.calls(), modelled);
            assertTrue(plain.commands() <= plain.calls(), "without the cache, at most one command per call: " + plain);
            assertTrue(withCache.commands() <= modelled, "with the cache, at most a read and a write per instance per 200 ms: "
                    + withCache + " > " + modelled);
        }
    }
}
