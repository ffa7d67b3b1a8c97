package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Concurrency checks shared by the store tests: N threads in this JVM, or N worker JVMs, call one
 * key at once; the handler runs once and every other call replays its result or sees it in progress.
 */
public final class ConcurrencyChecks {

    private ConcurrencyChecks() {
    }

    public static void assertExactlyOnce(IdempotencyStore store, int threads) throws Exception {
        String key = "concurrent-" + UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        Handler<String, String> handler = Decorators.decorate((in, inv) -> {
            runs.incrementAndGet();
            try {
                Thread.sleep(50); // keep the first call in progress while the others arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "result-of-" + in;
        }, Idempotency.of(store, IdempotencyConfig.<String, String>builder("concurrency", k -> k, Codecs.utf8()).build()));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return handler.handle(key, Invocation.builder().timeout(Duration.ofSeconds(30)).build());
                    } catch (IdempotencyInProgressException e) {
                        return "in-progress";
                    }
                }));
            }
            start.countDown();
            int replayedOrRan = 0;
            int inProgress = 0;
            for (Future<String> future : futures) {
                String result = future.get(60, TimeUnit.SECONDS);
                if (result.equals("in-progress")) {
                    inProgress++;
                } else if (result.equals("result-of-" + key)) {
                    replayedOrRan++;
                } else {
                    fail("unexpected result " + result);
                }
            }
            assertEquals(1, runs.get(), "handler runs exactly once");
            assertEquals(threads, replayedOrRan + inProgress);
        } finally {
            pool.shutdownNow();
        }
    }

    private static final Pattern RESULT = Pattern.compile("RESULT runs=(\\d+) results=(\\d+) inProgress=(\\d+) other=(\\d+)");

    public static void assertExactlyOnceAcrossJvms(String kind, String endpoint, String table, int processes, int threads)
            throws Exception {
        String key = "multi-jvm-" + System.nanoTime();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        long startAt = System.currentTimeMillis() + 4000;
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            started.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                    kind, endpoint, table, key, Integer.toString(threads), Long.toString(startAt))
                    .redirectErrorStream(true).start());
        }
        int runs = 0;
        int results = 0;
        int inProgress = 0;
        for (Process process : started) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "worker JVM did not finish");
            assertEquals(0, process.exitValue(), output);
            Matcher m = RESULT.matcher(output);
            assertTrue(m.find(), "no RESULT line in worker output:\n" + output);
            runs += Integer.parseInt(m.group(1));
            results += Integer.parseInt(m.group(2));
            inProgress += Integer.parseInt(m.group(3));
            assertEquals(0, Integer.parseInt(m.group(4)), "unexpected outcomes:\n" + output);
        }
        System.out.printf("%s: %d JVMs x %d threads: handler ran %d time(s), %d calls got the result, %d saw it in progress%n",
                kind, processes, threads, runs, results, inProgress);
        assertEquals(1, runs, "the handler ran exactly once across " + processes + " JVMs");
        assertEquals(processes * threads, results + inProgress);
    }
}
