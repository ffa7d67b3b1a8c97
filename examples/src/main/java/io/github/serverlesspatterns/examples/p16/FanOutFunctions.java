package io.github.serverlesspatterns.examples.p16;

import software.amazon.awssdk.services.sqs.SqsClient;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.QueueMessage;
import io.github.serverlesspatterns.fanout.JobStatus;
import io.github.serverlesspatterns.fanout.JobDeadline;
import io.github.serverlesspatterns.core.Invocation;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
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
        return DynamoDbJobStore.builder(dynamo, table).retention(Duration.ofDays(7)).build();
    }

    /** The metrics' name of this example's fan-in (and of its overdue jobs): {@value}. */
    public static final String FAN_IN = "squares";
    /** How long a job may take: {@value} minutes (SQS can delay the deadline message at most 15). */
    static final int DEADLINE_MINUTES = 10;

    /**
     * The splitter: {@code {"jobId": "...", "numbers": [..]}} in, the job id out. It records the job
     * with its deadline, starts the workers, and sends the job id to the deadline queue, delayed
     * until the deadline.
     */
    public static final class Splitter implements RequestHandler<Map<String, Object>, String> {
        private final RequestHandler<Map<String, Object>, String> handler;

        /** Lambda's constructor: {@code JOBS_TABLE}, {@code WORKER_FUNCTION} and {@code DEADLINE_QUEUE_URL}. */
        public Splitter() {
            this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    Objects.requireNonNull(System.getenv("JOBS_TABLE"), "JOBS_TABLE is not set"),
                    Objects.requireNonNull(System.getenv("WORKER_FUNCTION"), "WORKER_FUNCTION is not set"),
                    Objects.requireNonNull(System.getenv("DEADLINE_QUEUE_URL"), "DEADLINE_QUEUE_URL is not set"),
                    Duration.ofMinutes(DEADLINE_MINUTES), ExampleMetrics.onStdout());
        }

        /**
         * @param dynamo DynamoDB client
         * @param lambda Lambda client
         * @param sqs           SQS client (the deadline queue)
         * @param table         the jobs table
         * @param worker        the worker function
         * @param deadlineQueue where each job's id waits for its deadline
         * @param jobDeadline   how long a job may take (at most 15 minutes: SQS's longest delay)
         * @param metrics       the invocations' metrics, flushed after each invocation: on Lambda, EMF on stdout
         */
        public Splitter(DynamoDbClient dynamo, LambdaClient lambda, SqsClient sqs, String table, String worker, String deadlineQueue,
                        Duration jobDeadline, EmfMetrics metrics) {
            if (jobDeadline.isNegative() || jobDeadline.compareTo(Duration.ofMinutes(15)) > 0) {
                throw new IllegalArgumentException("jobDeadline must be 0 to 15 minutes (SQS's longest delay), got " + jobDeadline);
            }
            Objects.requireNonNull(deadlineQueue, "deadlineQueue");
            FanOut<Integer> fanOut = FanOut.viaInvoker(store(dynamo, table),
                    LambdaInvoker.of(lambda, worker, TASKS, Codecs.jsonString()).withMetrics(metrics), 16);
            Handler<Map<String, Object>, String> split = (request, invocation) -> {
                String jobId = String.valueOf(request.get("jobId"));
                if (!(request.get("numbers") instanceof List<?> raw) || raw.isEmpty()) {
                    throw new IllegalArgumentException("'numbers' must be a non-empty list");
                }
                List<Integer> numbers = raw.stream().map(n -> ((Number) n).intValue()).toList();
                Instant deadline = Instant.now().plus(jobDeadline);
                fanOut.start(jobId, numbers, deadline, invocation);
                // after the start: a deadline message never names a job that was not recorded
                // (a second late: SQS's delays are not exact, and a check before the deadline must not find the job not yet due)
                int delay = (int) Math.min(900, 1 + Math.max(0, (Duration.between(Instant.now(), deadline).toMillis() + 999) / 1000));
                sqs.sendMessage(b -> b.queueUrl(deadlineQueue).messageBody(jobId).delaySeconds(delay));
                return jobId;
            };
            this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(split, metrics.flushing()));
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
                    Objects.requireNonNull(System.getenv("JOBS_TABLE"), "JOBS_TABLE is not set"), ExampleMetrics.onStdout());
        }

        /**
         * @param dynamo  DynamoDB client
         * @param table   the jobs table
         * @param metrics the fan-in's metrics, flushed after each invocation: on Lambda, EMF on stdout
         */
        public Worker(DynamoDbClient dynamo, String table, EmfMetrics metrics) {
            DynamoDbJobStore store = store(dynamo, table);
            Handler<Task<Integer>, String> square = (task, invocation) -> {
                if (Math.abs((long) task.payload()) > MAX_SQUARED) { // fails every retry: the task reaches FailedTasks, its job overdue
                    throw new IllegalArgumentException("task " + task.taskId() + " of job " + task.jobId() + ": its number's square does not fit an int");
                }
                return Integer.toString(task.payload() * task.payload());
            };
            this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(square, metrics.<Task<Integer>, String>flushing(), FanIn.<Integer, String>of(store, Codecs.utf8(), jobId -> {
                AtomicLong sum = new AtomicLong();
                store.results(jobId, (taskId, result) -> sum.addAndGet(Long.parseLong(new String(result, StandardCharsets.UTF_8))));
                dynamo.putItem(b -> b.tableName(table).item(Map.of("job", AttributeValue.fromS(jobId),
                        "item", AttributeValue.fromS("#summary"), "sum", AttributeValue.fromN(Long.toString(sum.get())))));
            }).withMetrics(metrics, "squares")));
        }

        @Override
        public String handleRequest(Task<Integer> task, Context context) {
            return handler.handleRequest(task, context);
        }
    }

    /** The largest number a worker squares: 46340 (its square fits an {@code int}). */
    static final int MAX_SQUARED = 46_340;

    /**
     * The deadline check: each job id from the deadline queue, at its deadline, through the
     * library's {@code JobDeadline.check}. A job with tasks missing is signalled once: it counts
     * {@code JobsOverdue} (pattern {@code fan-in}, name {@value #FAN_IN}), which the template's
     * {@code JobStuckAlarm} watches, and logs its missing tasks. A job that completed is left alone.
     */
    public static final class DeadlineCheck implements RequestHandler<SQSEvent, SQSBatchResponse> {
        private static final Logger LOG = LoggerFactory.getLogger(DeadlineCheck.class);
        private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

        /** Lambda's constructor: {@code JOBS_TABLE}. */
        public DeadlineCheck() {
            this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    Objects.requireNonNull(System.getenv("JOBS_TABLE"), "JOBS_TABLE is not set"), ExampleMetrics.onStdout());
        }

        /**
         * @param dynamo  DynamoDB client
         * @param table   the jobs table
         * @param metrics where {@code JobsOverdue} and the batch's metrics go, flushed after each invocation: on Lambda, EMF on stdout
         */
        public DeadlineCheck(DynamoDbClient dynamo, String table, EmfMetrics metrics) {
            Handler<String, JobStatus> check = JobDeadline.check(store(dynamo, table), status -> {
                LOG.warn("fan-out job {} is overdue: {} of {} tasks missing", status.jobId(), status.missingTasks().size(), status.expected());
                metrics.count("fan-in", FAN_IN, "JobsOverdue", 1);
            });
            this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(SqsBatchHandler.of(
                    SqsBatchConfig.builder(Codecs.utf8()).metrics(metrics, "deadlines").build(),
                    (QueueMessage<String> m, Invocation invocation) -> {
                        JobStatus status = check.handle(m.body(), invocation);
                        if (!status.done() && !status.overdue(Instant.now())) { // came early: back on the queue after its visibility timeout
                            throw new IllegalStateException("fan-out job " + status.jobId() + " is not due until " + status.deadline());
                        }
                        return status;
                    }), metrics.flushing()));
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            return handler.handleRequest(event, context);
        }
    }
}
