package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A load's log lines carry the request id, the cache's name and a digest of the key; never the key. */
@ExtendWith(LocalServicesExtension.class)
class CacheLogContextTest {

    @Test
    void aLoadRunsUnderTheMdcKeys_withADigestOfTheKey_andTheKeysAreGoneAfter(RedisService redis) {
        RedisClient client = RedisClient.create(redis.uri());
        String name = "mdc-" + System.nanoTime() % 100_000;
        List<String> seen = new CopyOnWriteArrayList<>();
        try (CacheAside<String, String> cache = CacheAside.of(client, CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(5), 0).build())) {
            Handler<String, String> report = Decorators.decorate((key, inv) -> {
                seen.add(MDC.get(LogContext.REQUEST_ID) + "|" + MDC.get(LogContext.PATTERN) + "|" + MDC.get(LogContext.NAME) + "|"
                        + MDC.get(LogContext.KEY));
                return "report of " + key;
            }, cache);

            report.handle("customer-4711", Invocation.builder().requestId("req-5").build());

            assertEquals(1, seen.size());
            String[] keys = seen.get(0).split("\\|");
            assertEquals(List.of("req-5", "cache", name), List.of(keys[0], keys[1], keys[2]));
            assertTrue(keys[3].matches(java.util.regex.Pattern.quote(name) + "#[0-9a-f]{64}"), "a digest: " + keys[3]);
            assertFalse(keys[3].contains("customer-4711"), "never the key: " + keys[3]);
            assertNull(MDC.get(LogContext.PATTERN), "gone after the load");
        } finally {
            MDC.clear();
            client.shutdown();
        }
    }
}
