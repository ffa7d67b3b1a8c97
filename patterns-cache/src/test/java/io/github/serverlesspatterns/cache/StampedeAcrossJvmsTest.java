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
        AtomicInteger loadsOfAnExpiredKey = new AtomicInteger();
        String key = "hot-" + System.nanoTime();
        try (var raw = redis.client().connect();
             CacheAside<String, String> cache = CacheAside.of(redis.client(), CacheConfig.builder("xfetch", (String k) -> k, Codecs.utf8())
                .stampede(CacheConfig.StampedeProtection.XFETCH).ttl(Duration.ofMillis(600), 0).build())) {
            Handler<String, String> h = Decorators.decorate((k, inv) -> {
                if (loads.incrementAndGet() > 1 && raw.sync().exists("cache:6:xfetch:v:" + k) == 0) {
                    loadsOfAnExpiredKey.incrementAndGet(); // a refresh that came too late: the key had expired
                }
                try {
                    Thread.sleep(100); // delta: XFetch refreshes earlier for slower loads
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "v" + loads.get();
            }, cache);
            // counted, not timed: at least 4 TTL windows of measured time and at least 100 calls, however slow the machine
            long start = System.nanoTime();
            int calls = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2400) || calls < 100) {
                h.handle(key, Invocation.builder().build());
                calls++;
                Thread.sleep(5);
            }
            long windows = (System.nanoTime() - start) / TimeUnit.MILLISECONDS.toNanos(600);
            System.out.printf("xfetch: %d calls over %d TTL windows of 600 ms, %d loads (%d of an expired key), %d misses%n", calls,
                    windows, loads.get(), loadsOfAnExpiredKey.get(), cache.metrics().misses());
            assertTrue(loads.get() >= 2, "the hot key was refreshed as its TTL ran out: " + loads.get() + " loads");
            // XFetch refreshes earlier the more often a key is read, so loads per window depend on the call rate;
            // a stampede would load on most calls near each expiry
            assertTrue(loads.get() <= 4 * windows + 2, "a few loads per TTL window, not a stampede: " + loads.get() + " loads in "
                    + windows + " windows, " + calls + " calls");
            assertTrue(loadsOfAnExpiredKey.get() <= 1, "refreshed before it expired, not after: " + loadsOfAnExpiredKey.get());
        }
    }

    @Test
    void anInvalidationInOneJvm_beatsALoadInFlightInAnother(RedisService redis) throws Exception {
        String key = "report-" + System.nanoTime();
        String name = "race-across-jvms";
        try (var raw = redis.client().connect();
             CacheAside<String, String> here = CacheAside.of(redis.client(), CacheConfig.builder(name, (String k) -> k, Codecs.utf8())
                     .build())) {
            var commands = raw.sync();
            commands.set("db:" + key, "v7");
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    InvalidationRaceWorkerMain.class.getName(), redis.uri().toURI().toString(), name, key)
                    .redirectErrorStream(true).start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (commands.get("loading:" + key) == null && System.nanoTime() < until) {
                Thread.sleep(20); // the other JVM's load has read v7
            }
            assertTrue(commands.get("loading:" + key) != null, "the other JVM never started its load");
            commands.set("db:" + key, "v8");
            here.invalidate(key);
            commands.set("go:" + key, "1");
            String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.contains("RESULT first=v7"), out); // its reader began before the change
            Handler<String, String> reads = Decorators.decorate((k, inv) -> commands.get("db:" + k), here);
            assertEquals("v8", reads.handle(key, Invocation.builder().build()), "the other JVM's late load did not put v7 back");
        }
    }
}
