package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class StampedeAcrossJvmsTest {

    @Test
    void fourJvms_inLockMode_loadEachKeyOncePerTtlWindow(RedisService redis) throws Exception {
        String prefix = "k" + System.nanoTime();
        int keys = 5;
        long startAt = System.currentTimeMillis() + 5000;
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CacheWorkerMain.class.getName(),
                    redis.uri().toURI().toString(), prefix, Integer.toString(keys), Long.toString(startAt)).redirectErrorStream(true).start());
        }
        int loads = 0;
        Pattern result = Pattern.compile("RESULT loads=(\\d+) ok=(\\w+)");
        for (Process p : workers) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            Matcher m = result.matcher(out);
            assertTrue(m.find(), out);
            assertEquals("true", m.group(2), out);
            loads += Integer.parseInt(m.group(1));
        }
        System.out.printf("stampede: 4 JVMs x 8 threads x %d keys: %d loads%n", keys, loads);
        assertEquals(keys, loads, "each key loaded once across 4 JVMs");
    }

    @Test
    void xfetch_refreshesAHotKeyBeforeItExpires_withOneCallerAtATime(RedisService redis) throws Exception {
        AtomicInteger loads = new AtomicInteger();
        try (CacheAside<String, String> cache = CacheAside.create(redis.client(), CacheConfig.builder("xfetch", (String k) -> k, Codecs.utf8())
                .stampede(CacheConfig.StampedeProtection.XFETCH).ttl(Duration.ofMillis(600), 0).build())) {
            Handler<String, String> h = Decorators.decorate((k, inv) -> {
                loads.incrementAndGet();
                try {
                    Thread.sleep(100); // delta: XFetch refreshes earlier for slower loads
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "v" + loads.get();
            }, cache);
            String key = "hot-" + System.nanoTime();
            // counted, not timed: at least 4 TTL windows of measured time and at least 100 calls, however slow the machine
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2400) || calls < 100) {
                h.handle(key, Invocation.builder().build());
                calls++;
                Thread.sleep(5);
            }
            long windows = (System.nanoTime() - start) / TimeUnit.MILLISECONDS.toNanos(600);
            System.out.printf("xfetch: %d calls over %d TTL windows of 600 ms, %d loads, %d misses%n", calls, windows, loads.get(),
                    cache.metrics().misses());
            assertTrue(loads.get() >= 2, "the hot key was refreshed as its TTL ran out: " + loads.get() + " loads");
            assertTrue(loads.get() <= windows + 2, "one load per TTL window at most, not a stampede: " + loads.get() + " loads in "
                    + windows + " windows, " + calls + " calls");
        }
    }
}
