package io.github.serverlesspatterns.examples;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fifo.PoisonMessageException;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lambda Managed Instances: one instance (one handler object in one JVM) serves many invocations
 * at once, each with its own context and deadline. Each decorator runs here under 64 concurrent
 * invocations through the Invoke API on one handler object, and nothing of one invocation leaks
 * into another: idempotency claims, breaker probe slots, batch results, cache loads, fan-in
 * completions, aggregator parts, request ids and deadlines. ({@code FifoDrainLoop} is left out: its
 * function runs with reserved concurrency 1 by design, so that one group's order holds.)
 */
@ExtendWith(LocalServicesExtension.class)
class ManagedInstancesTest {

    private static final int CALLS = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Type STRING_MAP = new TypeReference<Map<String, String>>() { }.getType();

    /** Fires all calls at once from 64 threads; answers each call's response, in call order. */
    private static List<InvokeResponse> fireAtOnce(LambdaService lambda, String function, IntFunction<String> payload) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CALLS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<InvokeResponse>> futures = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                int n = i;
                futures.add(callers.submit(() -> {
                    go.await();
                    return lambda.client().invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(payload.apply(n))));
                }));
            }
            go.countDown();
            List<InvokeResponse> responses = new ArrayList<>();
            for (Future<InvokeResponse> f : futures) {
                responses.add(f.get(120, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void idempotency_runsEachKeyOnce_andAnswersEachCallerForItsOwnKey(LambdaService lambda, MotoService moto) throws Exception {
        DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder(moto.dynamoDb(), "lmi-idempotency").build();
        store.createTableIfMissing();
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        String run = "r" + System.nanoTime() + "-";
        Handler<Map<String, String>, Map<String, String>> charge = (request, invocation) -> {
            executions.computeIfAbsent(request.get("key"), k -> new AtomicInteger()).incrementAndGet();
            sleep(30);
            return Map.of("key", request.get("key"), "ranFor", invocation.requestId());
        };
        Idempotency<Map<String, String>, Map<String, String>> idempotency = Idempotency.of(store,
                IdempotencyConfig.<Map<String, String>, Map<String, String>>builder("lmi", r -> r.get("key"),
                        JacksonCodec.of(JSON, new TypeReference<Map<String, String>>() { })).build());
        lambda.register(FunctionConfig.builder("lmi-idempotent", LocalFunction.of(STRING_MAP, STRING_MAP,
                LambdaAdapters.toRequestHandler(Decorators.decorate(charge, idempotency)))).timeout(Duration.ofSeconds(60)).build());

        List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-idempotent", i -> "{\"key\":\"" + run + (i % 16) + "\"}");

        for (int i = 0; i < CALLS; i++) {
            InvokeResponse r = responses.get(i);
            JsonNode body = JSON.readTree(r.payload().asByteArray());
            if (r.functionError() == null) {
                assertEquals(run + (i % 16), body.get("key").asText(), "call " + i + " got another caller's result: " + body);
            } else {
                assertTrue(body.get("errorType").asText().endsWith("IdempotencyInProgressException"), "call " + i + ": " + body);
            }
        }
        for (int k = 0; k < 16; k++) {
            assertEquals(1, executions.get(run + k).get(), "key " + k + " ran " + executions.get(run + k) + " times");
        }
    }

    @Test
    void sqsBatchHandler_answersEachConcurrentBatchWithItsOwnFailures(LambdaService lambda) throws Exception {
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (message, invocation) -> {
            sleep(2);
            if (message.body().endsWith("-bad")) {
                throw new PoisonMessageException("bad " + message.body());
            }
            return null;
        });
        lambda.register(FunctionConfig.builder("lmi-batch", LocalFunction.of(SQSEvent.class, SQSBatchResponse.class,
                LambdaAdapters.toRequestHandler(batch))).timeout(Duration.ofSeconds(60)).build());

        List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-batch", i -> {
            StringBuilder records = new StringBuilder();
            for (int m = 0; m < 5; m++) {
                String body = "b" + i + "-m" + m + (m == i % 5 ? "-bad" : "");
                records.append(m == 0 ? "" : ",").append("{\"messageId\":\"b").append(i).append("-m").append(m)
                        .append("\",\"receiptHandle\":\"h\",\"body\":\"").append(body).append("\",\"attributes\":{},\"messageAttributes\":{},")
                        .append("\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:q\",\"awsRegion\":\"us-east-1\"}");
            }
            return "{\"Records\":[" + records + "]}";
        });

        for (int i = 0; i < CALLS; i++) {
            assertNull(responses.get(i).functionError(), responses.get(i).payload().asUtf8String());
            JsonNode failures = JSON.readTree(responses.get(i).payload().asByteArray()).get("batchItemFailures");
            assertEquals(1, failures.size(), "batch " + i + ": " + failures);
            assertEquals("b" + i + "-m" + (i % 5), failures.get(0).get("itemIdentifier").asText(), "batch " + i + " got another's result");
        }
    }

    @Test
    void streamBatchHandler_answersEachConcurrentBatchWithItsOwnFirstFailure(LambdaService lambda) throws Exception {
        io.github.serverlesspatterns.fifo.StreamBatchHandler<com.amazonaws.services.lambda.runtime.events.KinesisEvent,
                com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord> batch =
                io.github.serverlesspatterns.fifo.StreamBatchHandler.kinesis((record, invocation) -> {
                    sleep(2);
                    if (java.nio.charset.StandardCharsets.UTF_8.decode(record.getKinesis().getData().duplicate()).toString().endsWith("-bad")) {
                        throw new IllegalStateException("sink refused " + record.getKinesis().getSequenceNumber());
                    }
                    return null;
                });
        lambda.register(FunctionConfig.builder("lmi-stream", LocalFunction.of(com.amazonaws.services.lambda.runtime.events.KinesisEvent.class,
                com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.class, LambdaAdapters.toRequestHandler(batch)))
                .timeout(Duration.ofSeconds(60)).build());

        List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-stream", i -> {
            StringBuilder records = new StringBuilder();
            for (int r = 0; r < 5; r++) {
                String data = java.util.Base64.getEncoder().encodeToString(("b" + i + "-r" + r + (r == i % 5 ? "-bad" : ""))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                records.append(r == 0 ? "" : ",").append("{\"kinesis\":{\"partitionKey\":\"p\",\"sequenceNumber\":\"").append(i)
                        .append("0").append(r).append("\",\"data\":\"").append(data).append("\",\"approximateArrivalTimestamp\":1.7E9},")
                        .append("\"eventSource\":\"aws:kinesis\",\"eventID\":\"shardId-0:").append(i).append("0").append(r).append("\"}");
            }
            return "{\"Records\":[" + records + "]}";
        });

        for (int i = 0; i < CALLS; i++) {
            assertNull(responses.get(i).functionError(), responses.get(i).payload().asUtf8String());
            JsonNode failures = JSON.readTree(responses.get(i).payload().asByteArray()).get("batchItemFailures");
            assertEquals(1, failures.size(), "batch " + i + ": " + failures);
            assertEquals(i + "0" + (i % 5), failures.get(0).get("itemIdentifier").asText(), "batch " + i + " got another's checkpoint");
        }
    }

    @Test
    void circuitBreaker_whileHalfOpen_letsThroughOnlyThePermittedProbes_ofSixtyFourConcurrentCalls(LambdaService lambda, MotoService moto)
            throws Exception {
        DynamoDbCircuitStateStore store = DynamoDbCircuitStateStore.create(moto.dynamoDb(), "lmi-circuits");
        store.createTableIfMissing();
        CircuitBreaker breaker = CircuitBreaker.of("lmi-partner-" + System.nanoTime(), store, CircuitBreakerConfig.builder()
                .consecutiveFailures(1).waitInOpen(Duration.ofMillis(200)).halfOpen(2, 2).probeTimeout(Duration.ofSeconds(60)).build());
        AtomicInteger reached = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Handler<Map<String, String>, Map<String, String>> partner = (request, invocation) -> {
            if ("fail".equals(request.get("mode"))) {
                throw new IllegalStateException("partner down");
            }
            reached.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS); // the probes stay in flight until every other call has been answered
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("answer", "ok");
        };
        Handler<Map<String, String>, Map<String, String>> guarded = Decorators.decorate(partner, breaker.decorator());
        lambda.register(FunctionConfig.builder("lmi-breaker", LocalFunction.of(STRING_MAP, STRING_MAP,
                (RequestHandler<Map<String, String>, Map<String, String>>) (request, context) -> {
                    try {
                        return LambdaAdapters.toRequestHandler(guarded).handleRequest(request, context);
                    } catch (io.github.serverlesspatterns.circuitbreaker.CallNotPermittedException e) {
                        rejected.incrementAndGet();
                        throw e;
                    }
                })).timeout(Duration.ofSeconds(90)).build());
        InvokeResponse opening = lambda.client().invoke(b -> b.functionName("lmi-breaker").payload(SdkBytes.fromUtf8String("{\"mode\":\"fail\"}")));
        assertEquals("Unhandled", opening.functionError());
        sleep(300); // past the open wait: the next calls find the circuit half open

        ExecutorService releaser = Executors.newSingleThreadExecutor();
        try {
            releaser.submit(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (rejected.get() < CALLS - 2 && System.nanoTime() < end) {
                    sleep(10);
                }
                release.countDown();
            });
            List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-breaker", i -> "{\"mode\":\"ok\"}");
            long ok = responses.stream().filter(r -> r.functionError() == null).count();
            assertEquals(2, reached.get(), "probes that reached the partner while HALF_OPEN (2 permitted)");
            assertEquals(2, ok, "the two probes answered");
            assertEquals(CALLS - 2, rejected.get(), "every other call was rejected, not queued behind a probe");
        } finally {
            release.countDown();
            releaser.shutdownNow();
        }
    }

    @Test
    void fanIn_completesTheJobOnce_whenItsSixtyFourTasksLandAtOnce_twiceEach(LambdaService lambda, MotoService moto) throws Exception {
        io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore store = io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore.create(moto.dynamoDb(), "lmi-jobs");
        store.createTableIfMissing();
        String job = "lmi-job-" + System.nanoTime();
        store.createJob(job, CALLS, java.time.Instant.now().plusSeconds(600));
        List<String> completions = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler<io.github.serverlesspatterns.fanout.Task<Integer>, String> square = (task, invocation) -> {
            sleep(5);
            return Integer.toString(task.payload() * task.payload());
        };
        Type taskType = new TypeReference<io.github.serverlesspatterns.fanout.Task<Integer>>() { }.getType();
        lambda.register(FunctionConfig.builder("lmi-fan-in", LocalFunction.of(taskType, String.class, LambdaAdapters.toRequestHandler(
                Decorators.decorate(square, io.github.serverlesspatterns.fanout.FanIn.of(store, Codecs.utf8(), completions::add)))))
                .timeout(Duration.ofSeconds(60)).build());

        // every task delivered twice (Lambda's at-least-once), all 128 deliveries at once: 64 first, then 64 duplicates
        for (int round = 0; round < 2; round++) {
            List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-fan-in",
                    i -> "{\"jobId\":\"" + job + "\",\"taskId\":" + i + ",\"payload\":" + i + "}");
            for (int i = 0; i < CALLS; i++) {
                assertNull(responses.get(i).functionError(), responses.get(i).payload().asUtf8String());
                assertEquals("\"" + (i * i) + "\"", responses.get(i).payload().asUtf8String(), "task " + i + " got another task's result");
            }
        }
        assertEquals(List.of(job), completions, "exactly one completion for the job");
        assertEquals(CALLS, store.status(job).completed());
    }

    @Test
    void eachInvocation_seesItsOwnRequestIdAndDeadline(LambdaService lambda) throws Exception {
        Handler<Map<String, String>, Map<String, String>> echo = (request, invocation) -> {
            sleep(20);
            return Map.of("requestId", invocation.requestId(), "remaining", Long.toString(invocation.remainingTime().toMillis()),
                    "call", request.get("call"));
        };
        lambda.register(FunctionConfig.builder("lmi-context", LocalFunction.of(STRING_MAP, STRING_MAP, LambdaAdapters.toRequestHandler(echo)))
                .timeout(Duration.ofSeconds(30)).build());

        List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-context", i -> "{\"call\":\"" + i + "\"}");

        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < CALLS; i++) {
            JsonNode body = JSON.readTree(responses.get(i).payload().asByteArray());
            assertEquals(Integer.toString(i), body.get("call").asText());
            assertEquals(responses.get(i).responseMetadata().requestId(), body.get("requestId").asText(),
                    "call " + i + " ran with another invocation's context");
            long remaining = body.get("remaining").asLong();
            assertTrue(remaining > 0 && remaining <= 30_000, "call " + i + " deadline: " + remaining + " ms left of 30 s");
            ids.add(body.get("requestId").asText());
        }
        assertEquals(CALLS, ids.size(), "64 distinct request ids");
    }

    @Test
    void cacheAside_loadsAColdKeyOnce_forSixtyFourConcurrentCallers_andEachKeyKeepsItsOwnValue(LambdaService lambda,
            io.github.serverlesspatterns.testing.RedisService redis) throws Exception {
        AtomicInteger loads = new AtomicInteger();
        String run = "r" + System.nanoTime() + "-";
        Handler<String, String> loader = (key, invocation) -> {
            loads.incrementAndGet();
            sleep(100);
            return "value of " + key;
        };
        try (io.github.serverlesspatterns.cache.CacheAside<String, String> cache = io.github.serverlesspatterns.cache.CacheAside.of(
                redis.client(), io.github.serverlesspatterns.cache.CacheConfig.builder("lmi", (String k) -> k, Codecs.utf8())
                        .stampede(io.github.serverlesspatterns.cache.CacheConfig.StampedeProtection.LOCK).build())) {
            Handler<String, String> cached = Decorators.decorate(loader, cache);
            lambda.register(FunctionConfig.builder("lmi-cache", LocalFunction.of(String.class, String.class,
                    LambdaAdapters.toRequestHandler(cached))).timeout(Duration.ofSeconds(60)).build());

            List<InvokeResponse> hot = fireAtOnce(lambda, "lmi-cache", i -> "\"" + run + "hot\"");
            for (InvokeResponse r : hot) {
                assertNull(r.functionError(), r.payload().asUtf8String());
                assertEquals("\"value of " + run + "hot\"", r.payload().asUtf8String());
            }
            assertEquals(1, loads.get(), "one load for 64 concurrent misses of one key");

            List<InvokeResponse> each = fireAtOnce(lambda, "lmi-cache", i -> "\"" + run + i + "\"");
            for (int i = 0; i < CALLS; i++) {
                assertEquals("\"value of " + run + i + "\"", each.get(i).payload().asUtf8String(), "call " + i + " got another key's value");
            }
            assertEquals(1 + CALLS, loads.get());
        }
    }

    @Test
    void aggregator_keepsEachInvocationsDeadlineAndParts_underSixtyFourConcurrentCalls(LambdaService lambda) throws Exception {
        io.github.serverlesspatterns.fanout.Aggregator<String, Map<String, String>> aggregator =
                io.github.serverlesspatterns.fanout.Aggregator.<String, Map<String, String>>builder(results -> {
                    Map<String, String> merged = new java.util.TreeMap<>();
                    results.forEach((name, r) -> merged.put(name, r.ok() ? String.valueOf(r.value())
                            : "unavailable (" + r.error().getClass().getSimpleName() + ")"));
                    return merged;
                })
                .downstream("echo", (String call, io.github.serverlesspatterns.core.Invocation inv) -> "echo " + call, Duration.ofSeconds(1))
                .downstream("slowForOdd", (String call, io.github.serverlesspatterns.core.Invocation inv) -> {
                    sleep(Integer.parseInt(call) % 2 == 1 ? 3_000 : 10);
                    return "fast " + call;
                }, Duration.ofSeconds(1))
                .policy(io.github.serverlesspatterns.fanout.Aggregator.Policy.BEST_EFFORT).build();
        lambda.register(FunctionConfig.builder("lmi-aggregate", LocalFunction.of(String.class, STRING_MAP,
                LambdaAdapters.toRequestHandler(aggregator))).timeout(Duration.ofSeconds(30)).build());

        List<InvokeResponse> responses = fireAtOnce(lambda, "lmi-aggregate", i -> "\"" + i + "\"");

        for (int i = 0; i < CALLS; i++) {
            JsonNode body = JSON.readTree(responses.get(i).payload().asByteArray());
            assertEquals("echo " + i, body.get("echo").asText(), "call " + i + ": " + body);
            assertEquals(i % 2 == 1 ? "unavailable (TimeoutException)" : "fast " + i, body.get("slowForOdd").asText(), "call " + i + ": " + body);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
