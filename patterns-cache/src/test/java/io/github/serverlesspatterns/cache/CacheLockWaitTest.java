package io.github.serverlesspatterns.cache;

import java.util.List;
import java.util.ArrayList;
import java.time.Clock;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.ManualTicker;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wait for another instance's load runs on the config's ticker: with the kit's
 * {@link ManualTicker} a two-second lock wait takes its 100 polls without sleeping, and the test
 * counts them instead of timing them.
 */
@ExtendWith(LocalServicesExtension.class)
class CacheLockWaitTest {

    @Test
    void aReaderWaitingForAnotherInstancesLoad_pollsEvery20ms_forTheLockWait_thenLoadsItself_onTheTicker(RedisService redis)
            throws Exception {
        String name = "lock-wait-" + System.nanoTime() % 100_000;
        RedisClient client = RedisClient.create(redis.uri());
        CountDownLatch holderLoading = new CountDownLatch(1);
        CountDownLatch releaseHolder = new CountDownLatch(1);
        AtomicInteger waiterLoads = new AtomicInteger();
        ManualTicker ticker = new ManualTicker();
        Duration lockWait = Duration.ofSeconds(2);
        List<String> documents = new ArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Test", documents::add, Clock.systemUTC());
        try (CacheAside<String, String> holder = CacheAside.of(client, config(name, lockWait).build());
             CacheAside<String, String> waiter = CacheAside.of(client, config(name, lockWait).ticker(ticker).metrics(metrics).build())) {
            Handler<String, String> slowLoad = Decorators.decorate((key, inv) -> {
                holderLoading.countDown();
                await(releaseHolder);
                return "from-holder";
            }, holder);
            Handler<String, String> ownLoad = Decorators.decorate((key, inv) -> {
                waiterLoads.incrementAndGet();
                return "from-waiter";
            }, waiter);
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> slowLoad.handle("k", Invocation.builder().build()));
            assertTrue(holderLoading.await(1, TimeUnit.MINUTES), "the first instance took the lock and is loading");

            String answer = ownLoad.handle("k", Invocation.builder().build());

            assertEquals("from-waiter", answer, "the lock wait ran out while the holder still loaded: the waiter loads itself");
            assertEquals(1, waiterLoads.get());
            assertEquals(lockWait.toNanos() / CacheAside.LOCK_POLL, ticker.pauses(), "one poll every 20 ms of the lock wait");
            assertEquals(lockWait, ticker.paused(), "the wait covered exactly the lock wait, on the ticker");
            metrics.flush();
            JsonNode doc = new ObjectMapper().readTree(documents.get(0));
            assertEquals(1, doc.path("StampedeWaits").asInt(), documents.get(0));
            assertEquals(1, doc.path("StampedeWaitsExpired").asInt(), "the wait ran out: " + documents.get(0));
            assertEquals("[2000]", doc.path("StampedeWaitTime").toString(), "the wait's length in ms, on the ticker");
            releaseHolder.countDown();
            assertEquals("from-holder", first.get(1, TimeUnit.MINUTES));
        } finally {
            releaseHolder.countDown();
            client.shutdown();
        }
    }

    private static CacheConfig.Builder<String, String> config(String name, Duration lockWait) {
        return CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(10), 0)
                .stampede(CacheConfig.StampedeProtection.LOCK)
                .lock(Duration.ofMinutes(1), lockWait);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
