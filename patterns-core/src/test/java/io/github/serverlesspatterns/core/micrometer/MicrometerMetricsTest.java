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
        metrics.bytes("lambda-invoker", "pricing", "PayloadBytes", 300);
        metrics.bytes("lambda-invoker", "pricing", "PayloadBytes", 100);
        var sizes = registry.get("serverless.patterns.payload.bytes").tags("name", "pricing").summary();
        assertEquals(2, sizes.count());
        assertEquals(300.0, sizes.max());
        assertEquals("bytes", sizes.getId().getBaseUnit());
    }

    @Test
    void boundHandles_feedTheSameMetersAsCallsByName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerMetrics metrics = MicrometerMetrics.of(registry);
        io.github.serverlesspatterns.core.metrics.Metrics.BoundCounter replays = metrics.counter("idempotency", "payments", "Replays");
        io.github.serverlesspatterns.core.metrics.Metrics.BoundTimer latency = metrics.timer("idempotency", "payments", "StoreLatency");
        replays.add(2);
        metrics.count("idempotency", "payments", "Replays", 1);
        latency.record(5_000_000);
        assertEquals(3.0, registry.get("serverless.patterns.replays").tags("name", "payments").counter().count());
        assertEquals(1, registry.get("serverless.patterns.store.latency").tags("name", "payments").timer().count());
        assertEquals(1, registry.getMeters().stream().filter(m -> m.getId().getName().equals("serverless.patterns.replays")).count(),
                "one meter, not one per handle");
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
