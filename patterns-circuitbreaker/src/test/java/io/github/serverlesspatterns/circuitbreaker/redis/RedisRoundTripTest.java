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

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips per protected call in CLOSED, counted as commands the Redis client really sent. */
@ExtendWith(LocalServicesExtension.class)
class RedisRoundTripTest {

    private static double roundTripsPerCall(RedisService redis, CircuitBreakerConfig config, int calls, long pauseMillis)
            throws InterruptedException {
        RedisClient client = RedisClient.create(redis.uri());
        RedisCommandCounter commands = RedisCommandCounter.attach(client);
        try (RedisCircuitStateStore store = RedisCircuitStateStore.create(client)) {
            Handler<String, String> guarded = Decorators.decorate((in, inv) -> "ok",
                    CircuitBreaker.of("round-trips-" + System.nanoTime(), store, config).decorator());
            guarded.handle("warm-up", Invocation.builder().build()); // the connection handshake is not a protected call's cost
            // nor the eviction-policy check the store runs in the background after connecting
            commands.awaitSettingsChecked(Duration.ofSeconds(30));
            commands.reset();
            for (int i = 0; i < calls; i++) {
                guarded.handle("x", Invocation.builder().build());
                Thread.sleep(pauseMillis);
            }
        } finally {
            client.shutdown();
        }
        return commands.count() / (double) calls;
    }

    @Test
    void closedCalls_costAtMostOneRoundTripEach(RedisService redis) throws InterruptedException {
        double perCall = roundTripsPerCall(redis, CircuitBreakerConfig.ofDefaults(), 200, 0);
        System.out.printf("redis: %.3f round trips per CLOSED call%n", perCall);
        assertTrue(perCall <= 1.0, "round trips per call: " + perCall);
    }

    @Test
    void closedCalls_withTheLocalReadCache_costUnderATenthOfARoundTrip(RedisService redis) throws InterruptedException {
        CircuitBreakerConfig cached = CircuitBreakerConfig.builder().localReadStaleness(Duration.ofMillis(200)).build();
        double perCall = roundTripsPerCall(redis, cached, 400, 2);
        System.out.printf("redis with local read cache (200 ms): %.3f round trips per CLOSED call%n", perCall);
        assertTrue(perCall < 0.1, "round trips per call: " + perCall);
    }
}
