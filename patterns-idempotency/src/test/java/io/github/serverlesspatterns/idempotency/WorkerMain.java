package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import io.github.serverlesspatterns.idempotency.redis.RedisIdempotencyStore;
import io.github.serverlesspatterns.testing.AwsClients;
import io.lettuce.core.RedisClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One "function instance" of the multi-process test: a separate JVM that calls one key from
 * several threads at an agreed instant and prints how often its handler ran.
 * Arguments: {@code dynamodb|redis endpoint table key threads startAtEpochMillis}.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String endpoint = args[1];
        String table = args[2];
        String key = args[3];
        int threads = Integer.parseInt(args[4]);
        long startAt = Long.parseLong(args[5]);

        IdempotencyStore store;
        AutoCloseable closer;
        if (kind.equals("dynamodb")) {
            DynamoDbClient client = AwsClients.configure(DynamoDbClient.builder(), URI.create(endpoint)).build();
            store = DynamoDbIdempotencyStore.create(client, table);
            closer = client;
        } else {
            RedisClient client = RedisClient.create(endpoint);
            store = RedisIdempotencyStore.create(client);
            closer = client::shutdown;
        }
        AtomicInteger runs = new AtomicInteger();
        Handler<String, String> handler = Decorators.decorate((in, inv) -> {
            runs.incrementAndGet();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "effect-of-" + in;
        }, Idempotency.of(store, IdempotencyConfig.<String, String>builder("multi-jvm", k -> k, Codecs.utf8()).build()));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger replayed = new AtomicInteger();
        AtomicInteger inProgress = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        long wait = startAt - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                try {
                    String result = handler.handle(key, Invocation.builder().timeout(Duration.ofSeconds(30)).build());
                    (result.equals("effect-of-" + key) ? replayed : other).incrementAndGet();
                } catch (IdempotencyInProgressException e) {
                    inProgress.incrementAndGet();
                } catch (RuntimeException e) {
                    e.printStackTrace();
                    other.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        closer.close();
        System.out.println("RESULT runs=" + runs.get() + " results=" + replayed.get() + " inProgress=" + inProgress.get()
                + " other=" + other.get());
    }
}
