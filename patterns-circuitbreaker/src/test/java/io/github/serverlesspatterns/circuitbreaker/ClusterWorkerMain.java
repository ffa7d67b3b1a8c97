package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.circuitbreaker.redis.RedisCircuitStateStore;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.AwsClients;
import io.lettuce.core.RedisClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.HttpURLConnection;
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
 * One "function instance" of the cluster test: a JVM whose threads call a local HTTP service
 * through a breaker whose state is shared with the other JVMs.
 * Arguments: {@code redis|dynamodb endpoint table circuit url threads startAt endAt worker stopFile}: calls run from
 * startAt until endAt or until the stop file exists, whichever comes first.
 */
public final class ClusterWorkerMain {

    private ClusterWorkerMain() {
    }

    static CircuitBreakerConfig clusterConfig() {
        return CircuitBreakerConfig.builder().consecutiveFailures(5).waitInOpen(Duration.ofMillis(400))
                .backoff(2.0, Duration.ofMillis(3200)).halfOpen(2, 2).build();
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String endpoint = args[1];
        String table = args[2];
        String circuit = args[3];
        URI url = URI.create(args[4]);
        int threads = Integer.parseInt(args[5]);
        long startAt = Long.parseLong(args[6]);
        long endAt = Long.parseLong(args[7]);
        String worker = args[8];
        java.nio.file.Path stop = java.nio.file.Path.of(args[9]);

        CircuitStateStore store;
        AutoCloseable closer;
        if (kind.equals("redis")) {
            RedisClient client = RedisClient.create(endpoint);
            store = RedisCircuitStateStore.builder(client).timeout(Duration.ofSeconds(2)).build();
            closer = client::shutdown;
        } else {
            DynamoDbClient client = AwsClients.configure(DynamoDbClient.builder(), URI.create(endpoint)).build();
            store = DynamoDbCircuitStateStore.create(client, table);
            closer = client;
        }
        CircuitBreaker breaker = CircuitBreaker.of(circuit, store, clusterConfig());
        Handler<String, Integer> call = Decorators.decorate((in, inv) -> {
            try {
                HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
                c.setRequestProperty("X-Worker", worker);
                c.setConnectTimeout(2000);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                c.getInputStream().close();
                return status;
            } catch (java.io.IOException e) {
                throw new IllegalStateException("partner API failed: " + e.getMessage(), e);
            }
        }, breaker.decorator());

        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        breaker.state(); // warm up: classes, connection, first round trip, before the agreed start
        Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (System.currentTimeMillis() < endAt && !java.nio.file.Files.exists(stop)) {
                    try {
                        call.handle("x", Invocation.builder().build());
                        ok.incrementAndGet();
                    } catch (CallNotPermittedException e) {
                        rejected.incrementAndGet();
                    } catch (IllegalStateException e) {
                        failed.incrementAndGet();
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        closer.close();
        System.out.println("RESULT ok=" + ok + " failed=" + failed + " rejected=" + rejected + " roundTrips="
                + breaker.metrics().storeRoundTrips() + " storeErrors=" + breaker.metrics().storeErrors());
    }
}
