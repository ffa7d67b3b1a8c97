package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.lettuce.core.RedisClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of the multi-process stampede test: 8 threads read the same keys at an agreed
 * instant through a lock-mode cache; prints how often its loader ran.
 * Arguments: {@code redisUri keyPrefix keys startAtEpochMillis}.
 */
public final class CacheWorkerMain {

    private CacheWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        RedisClient client = RedisClient.create(args[0]);
        String prefix = args[1];
        int keys = Integer.parseInt(args[2]);
        long startAt = Long.parseLong(args[3]);
        AtomicInteger loads = new AtomicInteger();
        try (CacheAside<String, String> cache = CacheAside.of(client, CacheConfig.builder("stampede", (String k) -> k, Codecs.utf8()).build())) {
            Handler<String, String> h = Decorators.decorate((k, inv) -> {
                loads.incrementAndGet();
                try {
                    Thread.sleep(300); // a slow report query
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "value-of-" + k;
            }, cache);
            h.handle(prefix + "-warm-up-" + ProcessHandle.current().pid(), Invocation.builder().build());
            loads.set(0);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int k = 0; k < keys; k++) {
                        ok &= h.handle(prefix + "-" + k, Invocation.builder().build()).equals("value-of-" + prefix + "-" + k);
                    }
                    return ok;
                }));
            }
            boolean allOk = true;
            for (Future<Boolean> f : futures) {
                allOk &= f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            System.out.println("RESULT loads=" + loads.get() + " ok=" + allOk);
        } finally {
            client.shutdown();
        }
    }
}
