package io.github.serverlesspatterns.examples.p16;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import io.github.serverlesspatterns.fanout.FanIn;
import io.github.serverlesspatterns.fanout.FanOut;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.fanout.Task;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pattern 16, Fan-Out/Fan-In: the splitter records a job and starts one worker per number
 * (asynchronous invocations); each worker squares its number and records the result; the worker
 * that lands the last result sums them all into the job's summary item, exactly once.
 */
public final class FanOutFunctions {

    static final Codec<Task<Integer>> TASKS = JacksonCodec.of(new ObjectMapper(), new TypeReference<Task<Integer>>() { });

    private FanOutFunctions() {
    }

    static DynamoDbJobStore store(DynamoDbClient dynamo, String table) {
        return DynamoDbJobStore.create(dynamo, table, Duration.ofDays(7), Clock.systemUTC());
    }

    /** The splitter: {@code {"jobId": "...", "numbers": [..]}} in, the job id out. */
    public static final class Splitter implements RequestHandler<Map<String, Object>, String> {
        private final RequestHandler<Map<String, Object>, String> handler;

        /** Lambda's constructor: {@code JOBS_TABLE} and {@code WORKER_FUNCTION}. */
        public Splitter() {
            this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    Objects.requireNonNull(System.getenv("JOBS_TABLE"), "JOBS_TABLE is not set"),
                    Objects.requireNonNull(System.getenv("WORKER_FUNCTION"), "WORKER_FUNCTION is not set"));
        }

        /**
         * @param dynamo DynamoDB client
         * @param lambda Lambda client
         * @param table  the jobs table
         * @param worker the worker function
         */
        public Splitter(DynamoDbClient dynamo, LambdaClient lambda, String table, String worker) {
            FanOut<Integer> fanOut = FanOut.viaInvoker(store(dynamo, table), LambdaInvoker.of(lambda, worker, TASKS, Codecs.jsonString()), 16);
            this.handler = LambdaAdapters.toRequestHandler((request, invocation) -> {
                String jobId = String.valueOf(request.get("jobId"));
                if (!(request.get("numbers") instanceof List<?> raw) || raw.isEmpty()) {
                    throw new IllegalArgumentException("'numbers' must be a non-empty list");
                }
                List<Integer> numbers = raw.stream().map(n -> ((Number) n).intValue()).toList();
                fanOut.start(jobId, numbers, Instant.now().plus(Duration.ofMinutes(10)), invocation);
                return jobId;
            });
        }

        @Override
        public String handleRequest(Map<String, Object> request, Context context) {
            return handler.handleRequest(request, context);
        }
    }

    /** The worker: squares its number; the last one in writes the job's sum. */
    public static final class Worker implements RequestHandler<Task<Integer>, String> {
        private final RequestHandler<Task<Integer>, String> handler;

        /** Lambda's constructor: {@code JOBS_TABLE}. */
        public Worker() {
            this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    Objects.requireNonNull(System.getenv("JOBS_TABLE"), "JOBS_TABLE is not set"));
        }

        /**
         * @param dynamo DynamoDB client
         * @param table  the jobs table
         */
        public Worker(DynamoDbClient dynamo, String table) {
            DynamoDbJobStore store = store(dynamo, table);
            Handler<Task<Integer>, String> square = (task, invocation) -> Integer.toString(task.payload() * task.payload());
            this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(square, FanIn.of(store, Codecs.utf8(), jobId -> {
                AtomicLong sum = new AtomicLong();
                store.results(jobId, (taskId, result) -> sum.addAndGet(Long.parseLong(new String(result, StandardCharsets.UTF_8))));
                dynamo.putItem(b -> b.tableName(table).item(Map.of("job", AttributeValue.fromS(jobId),
                        "item", AttributeValue.fromS("#summary"), "sum", AttributeValue.fromN(Long.toString(sum.get())))));
            })));
        }

        @Override
        public String handleRequest(Task<Integer> task, Context context) {
            return handler.handleRequest(task, context);
        }
    }
}
