package io.github.serverlesspatterns.jmh.coldstart;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerMetricsListener;
import io.github.serverlesspatterns.core.metrics.Metrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.cache.CacheConfig;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.fifo.DeadLetterQueue;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import io.github.serverlesspatterns.testing.AwsClients;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One cold start, in a fresh JVM: builds one module's handler the way the examples do (its store
 * clients, then the handler, decorated or not), serves its first invocation, and prints one line
 * {@code RESULT initNanos=... firstInvokeNanos=... classes=... uptimeMillis=...}. Run by
 * {@link ColdStart}; the endpoints of the local services come as system properties
 * ({@code cold.moto}, {@code cold.sqs}, {@code cold.redis}, {@code cold.lambda}, {@code cold.dlq}).
 *
 * <p>Both variants of a module build the same clients and do the same work; the decorated one
 * adds exactly what a user adds by adopting the module.
 */
public final class ColdStartProbe {

    /** Table names the parent creates. */
    static final String ITEMS = "cold-items";
    static final String IDEMPOTENCY = "cold-idempotency";
    static final String CIRCUITS = "cold-circuits";
    /** The function the parent hosts on its Lambda endpoint. */
    static final String ECHO = "cold-echo";

    private ColdStartProbe() {
    }

    /**
     * @param args module name, then {@code plain}, {@code decorated}, {@code primed} (decorated, and the
     *             module's {@code prime()} called before the first invocation, as a SnapStart
     *             {@code beforeCheckpoint} would) or {@code metered} (decorated, with the module's
     *             metrics on as EMF, flushed to stdout after the invocation)
     */
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        String module = args[0];
        boolean primed = args[1].equals("primed");
        boolean metered = args[1].equals("metered");
        boolean decorated = primed || metered || args[1].equals("decorated");
        // metered: the decorated handler with the module's metrics on, as EMF flushed after the invocation (to stdout)
        EmfMetrics emf = metered ? EmfMetrics.create("ColdStart") : null;
        Metrics metrics = metered ? emf : Metrics.none();
        Primeable primer = () -> { };
        String unique = Long.toString(System.nanoTime());
        Context context = LambdaAdapters.contextOf(Invocation.builder().functionName("cold-" + module).timeout(Duration.ofSeconds(30)).build());
        java.util.function.Supplier<Object> first; // the first invocation, once the handler is built
        switch (module) {
            case "core": {
                DynamoDbClient dynamo = dynamo();
                Handler<Map<String, String>, String> work = (request, invocation) -> getItem(dynamo, request.get("id"));
                RequestHandler<Map<String, String>, String> handler = decorated ? LambdaAdapters.toRequestHandler(work)
                        : (request, ctx) -> getItem(dynamo, request.get("id"));
                var h = handler;
                first = () -> h.handleRequest(Map.of("id", "item-1"), context);
                break;
            }
            case "idempotency": {
                DynamoDbClient dynamo = dynamo();
                Handler<Map<String, String>, String> work = (request, invocation) -> putItem(dynamo, request.get("id"));
                Idempotency<Map<String, String>, String> once = Idempotency.of(DynamoDbIdempotencyStore.create(dynamo, IDEMPOTENCY),
                        IdempotencyConfig.<Map<String, String>, String>builder("cold", r -> r.get("id"), Codecs.utf8()).metrics(metrics).build());
                primer = once;
                RequestHandler<Map<String, String>, String> handler = decorated
                        ? LambdaAdapters.toRequestHandler(flushed(Decorators.decorate(work, once), emf))
                        : (request, ctx) -> putItem(dynamo, request.get("id"));
                var h = handler;
                first = () -> h.handleRequest(Map.of("id", "order-" + unique), context);
                break;
            }
            case "circuitbreaker": {
                DynamoDbClient dynamo = dynamo();
                Handler<Map<String, String>, String> work = (request, invocation) -> getItem(dynamo, request.get("id"));
                CircuitBreaker breaker = CircuitBreaker.of("cold-partner", DynamoDbCircuitStateStore.create(dynamo, CIRCUITS),
                        metered ? CircuitBreakerConfig.builder().listener(CircuitBreakerMetricsListener.of(metrics)).build()
                                : CircuitBreakerConfig.builder().build());
                primer = breaker;
                RequestHandler<Map<String, String>, String> handler = decorated
                        ? LambdaAdapters.toRequestHandler(flushed(Decorators.decorate(work, breaker.decorator()), emf))
                        : (request, ctx) -> getItem(dynamo, request.get("id"));
                var h = handler;
                first = () -> h.handleRequest(Map.of("id", "item-1"), context);
                break;
            }
            case "fifo": {
                DynamoDbClient dynamo = dynamo();
                SqsClient sqs = AwsClients.configure(SqsClient.builder(), URI.create(System.getProperty("cold.sqs"))).build();
                String dlq = System.getProperty("cold.dlq");
                RequestHandler<SQSEvent, SQSBatchResponse> handler;
                if (decorated) {
                    SqsBatchHandler<String> batch = SqsBatchHandler.of(
                            SqsBatchConfig.builder(Codecs.utf8()).deadLetterQueue(DeadLetterQueue.of(sqs, dlq)).metrics(metrics, "cold").build(),
                            (message, invocation) -> putItem(dynamo, message.body()));
                    primer = batch;
                    handler = LambdaAdapters.toRequestHandler(flushed(batch, emf));
                } else {
                    handler = (event, ctx) -> {
                        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
                        for (SQSEvent.SQSMessage m : event.getRecords()) {
                            try {
                                putItem(dynamo, m.getBody());
                            } catch (RuntimeException e) {
                                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                            }
                        }
                        return new SQSBatchResponse(failures);
                    };
                }
                SQSEvent event = new SQSEvent();
                List<SQSEvent.SQSMessage> records = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
                    m.setMessageId("m-" + i);
                    m.setBody("reading-" + unique + "-" + i);
                    records.add(m);
                }
                event.setRecords(records);
                var h = handler;
                first = () -> h.handleRequest(event, context).getBatchItemFailures().size();
                break;
            }
            case "fanout": {
                LambdaClient lambda = AwsClients.configure(LambdaClient.builder(), URI.create(System.getProperty("cold.lambda"))).build();
                RequestHandler<Map<String, String>, String> handler;
                if (decorated) {
                    LambdaInvoker<String, String> echo = LambdaInvoker.of(lambda, ECHO, Codecs.jsonString(), Codecs.jsonString())
                            .withMetrics(metrics);
                    primer = echo;
                    Handler<Map<String, String>, String> call = (request, invocation) -> echo.call(request.get("id"), invocation);
                    handler = LambdaAdapters.toRequestHandler(flushed(call, emf));
                } else {
                    handler = (request, ctx) -> {
                        var response = lambda.invoke(b -> b.functionName(ECHO).payload(SdkBytes.fromUtf8String("\"" + request.get("id") + "\"")));
                        if (response.functionError() != null) {
                            throw new IllegalStateException(response.payload().asUtf8String());
                        }
                        return response.payload().asString(StandardCharsets.UTF_8);
                    };
                }
                var h = handler;
                first = () -> h.handleRequest(Map.of("id", "task-1"), context);
                break;
            }
            case "cache": {
                DynamoDbClient dynamo = dynamo();
                RedisClient redis = RedisClient.create(System.getProperty("cold.redis"));
                Handler<String, String> loader = (key, invocation) -> getItem(dynamo, "item-1") + ":" + key;
                RequestHandler<String, String> handler;
                if (decorated) {
                    CacheAside<String, String> cache = CacheAside.of(redis, CacheConfig.builder("cold", (String k) -> k, Codecs.utf8())
                            .ttl(Duration.ofMinutes(5), 0.1).metrics(metrics).build());
                    primer = cache;
                    handler = LambdaAdapters.toRequestHandler(flushed(Decorators.decorate(loader, cache), emf));
                } else { // cache-aside by hand: what a user writes without the module
                    StatefulRedisConnection<String, String> connection = redis.connect();
                    handler = (key, ctx) -> {
                        String cached = connection.sync().get("cold:" + key);
                        if (cached != null) {
                            return cached;
                        }
                        String value = getItem(dynamo, "item-1") + ":" + key;
                        connection.sync().set("cold:" + key, value, io.lettuce.core.SetArgs.Builder.ex(300));
                        return value;
                    };
                }
                var h = handler;
                first = () -> h.handleRequest("report-" + unique, context);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown module " + module);
        }
        if (primed) {
            primer.prime();
        }
        long t1 = System.nanoTime();
        Object result = first.get();
        long t2 = System.nanoTime();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        System.out.println("RESULT initNanos=" + (t1 - t0) + " firstInvokeNanos=" + (t2 - t1) + " classes=" + classes
                + " uptimeMillis=" + uptime + " result=" + String.valueOf(result).length());
        System.exit(0); // Lettuce and the SDK keep non-daemon threads; a Lambda freezes, we exit
    }

    /** @return the handler, flushing the metrics after each call when there are any */
    private static <I, O> Handler<I, O> flushed(Handler<I, O> handler, EmfMetrics emf) {
        return emf == null ? handler : Decorators.decorate(handler, emf.<I, O>flushing());
    }

    private static DynamoDbClient dynamo() {
        return AwsClients.configure(DynamoDbClient.builder(), URI.create(System.getProperty("cold.moto"))).build();
    }

    private static String getItem(DynamoDbClient dynamo, String id) {
        var item = dynamo.getItem(b -> b.tableName(ITEMS).key(Map.of("id", AttributeValue.fromS(id)))).item();
        return item == null || item.isEmpty() ? "none" : item.get("value").s();
    }

    private static String putItem(DynamoDbClient dynamo, String id) {
        dynamo.putItem(b -> b.tableName(ITEMS).item(Map.of("id", AttributeValue.fromS(id), "value", AttributeValue.fromS("v"))));
        return "stored " + id;
    }
}
