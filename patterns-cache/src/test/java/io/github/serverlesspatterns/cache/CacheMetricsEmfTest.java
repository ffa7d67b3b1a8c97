package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache's work as EMF metrics under Pattern=cache and the cache's name, on Redis 7; never a key as a dimension. */
@ExtendWith(LocalServicesExtension.class)
class CacheMetricsEmfTest {

    @Test
    void missLoadHitAndNearHit_areCounted_andLoadsTimed(RedisService redis) throws Exception {
        List<String> lines = new ArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Reports", lines::add, Clock.systemUTC());
        String name = "metered-" + UUID.randomUUID().toString().substring(0, 8);
        try (CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(5), 0).nearCache(10, Duration.ofMinutes(1)).metrics(metrics).build());
             CacheAside<String, String> other = CacheAside.of(redis.client(), CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                     .ttl(Duration.ofMinutes(5), 0).metrics(metrics).build())) {
            Handler<String, String> reports = Decorators.decorate((id, inv) -> "total-of-" + id, cache);
            Handler<String, String> elsewhere = Decorators.decorate((id, inv) -> "total-of-" + id, other);
            Invocation inv = Invocation.builder().build();
            reports.handle("report-secret-7", inv);   // miss, load
            reports.handle("report-secret-7", inv);   // near hit
            elsewhere.handle("report-secret-7", inv); // Redis hit
            metrics.flush();
        }
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertTrue(!line.contains("report-secret-7"), "a key never reaches a metric: " + line);
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        assertEquals("cache", doc.path("Pattern").asText());
        assertEquals(name, doc.path("Name").asText());
        assertEquals(List.of(1, 1, 1, 1), List.of(doc.path("Misses").asInt(), doc.path("Loads").asInt(), doc.path("NearHits").asInt(),
                doc.path("Hits").asInt()), line);
        assertEquals(1, doc.path("LoadTime").size());
    }
}
