package io.github.serverlesspatterns.core.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedCacheTest {

    @Test
    void aLiveEntry_isReturned_untilItsExpiry() {
        BoundedCache<String> cache = new BoundedCache<>(10);
        cache.put("k", "v", 100);
        assertEquals("v", cache.get("k", 99));
        assertNull(cache.get("k", 100));
        assertEquals(0, cache.size(), "the expired entry was dropped");
    }

    @Test
    void whenFull_anEntryReadSinceItWasPassedOver_outlivesOnesThatWerent() {
        BoundedCache<String> cache = new BoundedCache<>(3);
        cache.put("a", "1", Long.MAX_VALUE);
        cache.put("b", "2", Long.MAX_VALUE);
        cache.put("c", "3", Long.MAX_VALUE);
        cache.get("a", 0); // a is read: it gets a second chance
        cache.put("d", "4", Long.MAX_VALUE);
        assertEquals("1", cache.get("a", 0));
        assertNull(cache.get("b", 0), "the oldest entry not read since went first");
        assertEquals(3, cache.size());
    }

    @Test
    void rewritingOneKey_forever_keepsTheCacheAndItsQueueBounded() {
        BoundedCache<Integer> cache = new BoundedCache<>(4);
        for (int i = 0; i < 100_000; i++) {
            cache.put("hot", i, Long.MAX_VALUE);
        }
        assertEquals(99_999, cache.get("hot", 0));
        assertEquals(1, cache.size());
    }

    @Test
    void removeAndClear_dropEntries() {
        BoundedCache<String> cache = new BoundedCache<>(4);
        cache.put("a", "1", Long.MAX_VALUE);
        cache.put("b", "2", Long.MAX_VALUE);
        cache.remove("a");
        assertNull(cache.get("a", 0));
        cache.clear();
        assertEquals(0, cache.size());
        assertThrows(IllegalArgumentException.class, () -> new BoundedCache<>(0));
    }

    @Test
    void manyThreads_readingAndWriting_stayWithinTheBound() throws Exception {
        BoundedCache<Integer> cache = new BoundedCache<>(100);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        String key = "k" + ((i * 31 + seed) % 500);
                        if (cache.get(key, 0) == null) {
                            cache.put(key, i, Long.MAX_VALUE);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(cache.size() <= 100 + threads, "bounded (a writer per thread may be in flight): " + cache.size());
    }
}
