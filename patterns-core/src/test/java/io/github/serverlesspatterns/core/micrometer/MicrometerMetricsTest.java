package io.github.serverlesspatterns.core.micrometer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MicrometerMetricsTest {

    @Test
    void countsTimesAndLevels_becomeCountersTimersAndGauges_taggedWithPatternAndName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerMetrics metrics = MicrometerMetrics.of(registry);

        metrics.count("idempotency", "payments", "Replays", 2);
        metrics.count("idempotency", "payments", "Replays", 1);
        metrics.count("idempotency", "orders", "Replays", 5);
        metrics.time("idempotency", "payments", "StoreLatency", 3_000_000);
        metrics.time("idempotency", "payments", "StoreLatency", 1_000_000);
        metrics.level("breaker", "partner", "State", 1);
        metrics.level("breaker", "partner", "State", 2);

        assertEquals(3.0, registry.get("serverless.patterns.replays").tags("pattern", "idempotency", "name", "payments").counter().count());
        assertEquals(5.0, registry.get("serverless.patterns.replays").tags("name", "orders").counter().count());
        var latency = registry.get("serverless.patterns.store.latency").tags("pattern", "idempotency", "name", "payments").timer();
        assertEquals(2, latency.count());
        assertEquals(4.0, latency.totalTime(TimeUnit.MILLISECONDS));
        assertEquals(2.0, registry.get("serverless.patterns.state").tags("pattern", "breaker", "name", "partner").gauge().value(),
                "a gauge shows the last level set");
    }

    @Test
    void meterNames_areMicrometersDottedLowerCase() {
        assertEquals("serverless.patterns.replays", MicrometerMetrics.meterName("Replays"));
        assertEquals("serverless.patterns.store.latency", MicrometerMetrics.meterName("StoreLatency"));
        assertEquals("serverless.patterns.in.progress.rejections", MicrometerMetrics.meterName("InProgressRejections"));
    }

    @Test
    void manyThreadsCounting_loseNothing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerMetrics metrics = MicrometerMetrics.of(registry);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        metrics.count("cache", "reports", "NearHits", 1);
                    }
                });
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        assertEquals(80_000.0, registry.get("serverless.patterns.near.hits").counter().count());
    }
}
