package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cache over {@link InMemoryCacheStore}: two caches over one store are two instances sharing
 * one Redis, with no server, and expiry follows a clock the test moves.
 */
class CacheAsideInMemoryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemoryCacheStore store = InMemoryCacheStore.create(clock);
    private final Map<String, String> database = new ConcurrentHashMap<>(Map.of("r-1", "v1"));
    private final AtomicInteger loads = new AtomicInteger();
    private final Handler<String, String> loader = (key, inv) -> {
        loads.incrementAndGet();
        return database.get(key);
    };
    private final Invocation invocation = Invocation.builder().build();

    private CacheAside<String, String> instance() {
        return CacheAside.of(store, CacheConfig.builder("reports", (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(10), 0).nearCache(100, Duration.ofMinutes(5)).clock(clock).build());
    }

    @Test
    void aValueOneInstanceLoaded_isServedToAnother_untilItsTtlPasses() {
        try (CacheAside<String, String> a = instance(); CacheAside<String, String> b = instance()) {
            assertEquals("v1", Decorators.decorate(loader, a).handle("r-1", invocation));
            assertEquals("v1", Decorators.decorate(loader, b).handle("r-1", invocation));
            assertEquals(1, loads.get(), "the second instance read the first one's value");
            assertEquals(1, b.metrics().hits());

            clock.advance(Duration.ofMinutes(11)); // past the TTL: the store's entry and the near caches' are gone
            database.put("r-1", "v2");
            assertEquals("v2", Decorators.decorate(loader, b).handle("r-1", invocation));
            assertEquals(2, loads.get());
        }
    }

    @Test
    void anInvalidation_onOneInstance_dropsTheOthersNearCopy_andTheNextReadLoadsAgain() {
        try (CacheAside<String, String> a = instance(); CacheAside<String, String> b = instance()) {
            Handler<String, String> ha = Decorators.decorate(loader, a);
            Handler<String, String> hb = Decorators.decorate(loader, b);
            assertEquals("v1", ha.handle("r-1", invocation));
            assertEquals("v1", hb.handle("r-1", invocation));
            assertEquals("v1", hb.handle("r-1", invocation));
            assertEquals(1, b.metrics().nearHits(), "b holds a near copy");

            database.put("r-1", "v2");
            a.invalidate("r-1"); // the in-memory store delivers the message before invalidate returns
            assertEquals(1, b.metrics().invalidations(), "b heard a's invalidation");
            assertEquals("v2", hb.handle("r-1", invocation));
            assertEquals(2, loads.get(), "the tombstone sent b to the loader once; a reads b's new value");
            assertEquals("v2", ha.handle("r-1", invocation));
            assertEquals(2, loads.get());
        }
    }
}
