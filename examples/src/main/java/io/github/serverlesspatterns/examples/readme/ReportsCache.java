package io.github.serverlesspatterns.examples.readme;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.cache.CacheConfig;
import io.github.serverlesspatterns.cache.redis.RedisCacheStore;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.lettuce.core.RedisClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The README's Read Heavy Reporting Engine section (patterns-cache): a report cache in front of a
 * slow database. Compiled in CI so the README cannot drift.
 */
public final class ReportsCache {

    /** A report. @param id its id @param total its total */
    public record Report(String id, long total) {
    }

    private ReportsCache() {
    }

    /**
     * @param redisClient       the Lettuce client
     * @param mapper            the JSON mapper
     * @param loadReportFromRds the database query
     * @param ids               a page of report ids
     * @param invocation        the calling invocation
     * @return a page of reports
     */
    public static Map<String, Report> page(RedisClient redisClient, ObjectMapper mapper, Handler<String, Report> loadReportFromRds,
                                           List<String> ids, Invocation invocation) {
        CacheAside<String, Report> cache = CacheAside.of(
                RedisCacheStore.builder(redisClient).timeout(Duration.ofMillis(500)).build(), // or just redisClient
                CacheConfig.builder("reports", (String id) -> id, JacksonCodec.of(mapper, Report.class))
                        .ttl(Duration.ofMinutes(10), 0.1)             // 10% random jitter: keys do not expire together
                        .negativeTtl(Duration.ofSeconds(30))          // "no such report" is cached too, shorter
                        .stampede(CacheConfig.StampedeProtection.LOCK) // or XFETCH, or NONE
                        .nearCache(1_000, Duration.ofSeconds(5))      // in-process layer, invalidated over pub/sub
                        .storeRetry(Duration.ofSeconds(5))            // an unreachable Redis is skipped for 5 s
                        .build());
        Handler<String, Report> reports = Decorators.decorate(loadReportFromRds, cache);
        cache.invalidate("r-42");                                     // Redis tombstone + every instance's near cache
        cache.invalidateTag("customer-7");                            // every key written with that tag
        Map<String, Report> page = cache.getAll(ids, loadReportFromRds, invocation);   // one MGET
        reports.handle("r-42", invocation);
        return page;
    }
}
