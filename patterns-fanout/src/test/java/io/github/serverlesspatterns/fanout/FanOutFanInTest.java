package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import io.github.serverlesspatterns.testing.SqsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fan-out/fan-in with workers run by the kit's Lambda endpoint and bookkeeping in moto DynamoDB. */
@ExtendWith(LocalServicesExtension.class)
class FanOutFanInTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Codec<Task<Integer>> TASKS = JacksonCodec.of(JSON, new TypeReference<Task<Integer>>() { });
    /** The worker's declared input type, as a {@code RequestHandler<Task<Integer>, String>} class would declare it. */
    private static final java.lang.reflect.Type TASK_TYPE = new TypeReference<Task<Integer>>() { }.getType();

    @Test
    void aThousandTasks_withDuplicateAndConcurrentDeliveries_completeOnce_withEveryResult(MotoService moto, LambdaService lambda)
            throws Exception {
        AtomicInteger storeCalls = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                storeCalls.incrementAndGet();
            }
        };
        try (DynamoDbClient workerDynamo = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), counter).build()) {
            DynamoDbJobStore setup = DynamoDbJobStore.create(moto.dynamoDb(), "fan-jobs");
            setup.createTableIfMissing();
            DynamoDbJobStore workerStore = DynamoDbJobStore.create(workerDynamo, "fan-jobs");
            List<String> completions = new CopyOnWriteArrayList<>();
            AtomicInteger workerRuns = new AtomicInteger();
            Handler<Task<Integer>, String> square = (task, inv) -> {
                workerRuns.incrementAndGet();
                return Integer.toString(task.payload() * task.payload());
            };
            lambda.register(FunctionConfig.builder("fan-worker", LocalFunction.of(TASK_TYPE, String.class, LambdaAdapters.toRequestHandler(
                    Decorators.decorate(square, FanIn.of(workerStore, Codecs.utf8(), completions::add))))).reservedConcurrency(16).build());

            Invoker<Task<Integer>, String> worker = LambdaInvoker.of(lambda.client(), "fan-worker", TASKS, Codecs.jsonString());
            List<Integer> payloads = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                payloads.add(i);
            }
            FanOut.viaInvoker(setup, worker, 8).start("job-1000", payloads, Instant.now().plusSeconds(600), Invocation.builder().build());
            for (int i = 0; i < 1000; i += 10) { // 10% of the deliveries arrive twice (Lambda's at-least-once)
                worker.send(new Task<>("job-1000", i, i), Invocation.builder().build());
            }
            assertTrue(lambda.awaitIdle(Duration.ofSeconds(240)), "all workers ran");

            Map<Integer, String> results = new TreeMap<>();
            setup.results("job-1000", (taskId, bytes) -> results.put(taskId, new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
            JobStatus status = setup.status("job-1000");
            double callsPerRun = storeCalls.get() / (double) workerRuns.get();
            System.out.printf("fan-in: %d worker runs (%d duplicates), max concurrency %d, %d store calls, %.2f per task run, %s%n",
                    workerRuns.get(), workerRuns.get() - 1000, lambda.stats("fan-worker").maxConcurrency(), storeCalls.get(), callsPerRun,
                    completions);
            assertEquals(List.of("job-1000"), completions, "exactly one completion callback; " + status);
            assertEquals(1100, workerRuns.get());
            assertEquals(1000, results.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(Integer.toString(i * i), results.get(i));
            }
            assertEquals(1000, status.completed(), "duplicates were not counted twice");
            assertTrue(status.done() && status.callbackFired() && status.missingTasks().isEmpty());
            assertTrue(lambda.stats("fan-worker").maxConcurrency() > 1, "workers ran concurrently");
            // 2 per task (result put + shard ADD); the last task of each of the 10 shards adds it again to read the set and
            // adds the shard to the job record (up to 2 calls); a duplicate run costs the put, both shard ADDs and, after its
            // shard filled, the job record's 2 and the claim; plus reads of the job's size (once per store instance, but by
            // every worker that starts before the first read returns: at most the 16 that run at once) and the completion
            // claim and its "done" write
            assertTrue(storeCalls.get() <= 2 * 1000 + 3 * 10 + 6 * 100 + 16 + 2, "store calls: " + storeCalls.get());
        }
    }

    @Test
    void aFailingTask_goesToTheOnFailureDestinationWithItsJobId_andTheJobReportsItMissing(MotoService moto, LambdaService lambda,
                                                                                            SqsService sqs) throws Exception {
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-jobs");
        store.createTableIfMissing();
        String failures = sqs.createQueue("fan-worker-failures");
        List<String> completions = new CopyOnWriteArrayList<>();
        Handler<Task<Integer>, String> worker = (task, inv) -> {
            if (task.taskId() == 3) {
                throw new IllegalStateException("cannot process task 3");
            }
            return "ok";
        };
        lambda.register(FunctionConfig.builder("fan-worker-failing", LocalFunction.of(TASK_TYPE, String.class, LambdaAdapters.toRequestHandler(
                        Decorators.decorate(worker, FanIn.of(store, Codecs.utf8(), completions::add)))))
                .retryDelay(Duration.ofMillis(10)).onFailure(sqs.client(), failures).build());
        FanOut.viaInvoker(store, LambdaInvoker.of(lambda.client(), "fan-worker-failing", TASKS, Codecs.jsonString()), 4)
                .start("job-with-failure", List.of(0, 1, 2, 3, 4), Instant.now().plusSeconds(60), Invocation.builder().build());
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(30)));

        JobStatus status = store.status("job-with-failure");
        assertEquals(List.of(3), status.missingTasks());
        assertEquals(4, status.completed());
        assertTrue(completions.isEmpty(), "no completion while a task is missing");
        List<Message> failed = sqs.client().receiveMessage(b -> b.queueUrl(failures).waitTimeSeconds(2)).messages();
        assertEquals(1, failed.size());
        JsonNode record = JSON.readTree(failed.get(0).body());
        assertEquals("job-with-failure", record.at("/requestPayload/jobId").asText());
        assertEquals(3, record.at("/requestPayload/taskId").asInt());
    }

    @Test
    void fanOutViaSqs_sendsTheTasksInBatchesOfTen(MotoService moto, SqsService sqs) {
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-jobs");
        store.createTableIfMissing();
        String queue = sqs.createQueue("fan-tasks");
        List<Integer> payloads = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            payloads.add(i);
        }
        FanOut.viaSqs(store, sqs.client(), queue, TASKS).start("job-sqs", payloads, Instant.now().plusSeconds(60), Invocation.builder().build());
        assertEquals(25, sqs.approximateDepth(queue));
        assertEquals(25, store.status("job-sqs").expected());
    }

    @Test
    void fanOutViaSqs_splitsBatchesBySize_asWellAsByCount_andRefusesAnOversizeTaskBeforeSendingAny(MotoService moto) {
        // moto's SQS, not ElasticMQ: moto has SQS's current limits (1 MiB per message and per batch, since August
        // 2025) where ElasticMQ 1.6.14 still refuses batches over 256 KiB that SQS takes
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-jobs");
        store.createTableIfMissing();
        List<Integer> batchBytes = new CopyOnWriteArrayList<>();
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor sizes = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest batch) {
                    batchBytes.add(batch.entries().stream()
                            .mapToInt(e -> e.messageBody().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum());
                }
            }
        };
        Codec<Task<String>> text = JacksonCodec.of(JSON, new TypeReference<Task<String>>() { });
        try (software.amazon.awssdk.services.sqs.SqsClient counted = io.github.serverlesspatterns.testing.AwsClients.configure(
                software.amazon.awssdk.services.sqs.SqsClient.builder(), moto.endpoint(), sizes).build()) {
            String queue = counted.createQueue(b -> b.queueName("fan-big-tasks-" + System.nanoTime())).queueUrl();
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                payloads.add("x".repeat(120 * 1024)); // ten 120 KB tasks: 1.2 MB, over SQS's 1 MiB batch
            }
            FanOut.viaSqs(store, counted, queue, text).start("job-big", payloads, Instant.now().plusSeconds(60), Invocation.builder().build());
            assertTrue(batchBytes.size() >= 2, "split: " + batchBytes);
            assertTrue(batchBytes.stream().allMatch(b -> b <= FanOut.SQS_BATCH_BYTES), "every batch within 1 MiB: " + batchBytes);
            assertEquals("10", counted.getQueueAttributes(b -> b.queueUrl(queue).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                    .attributesAsStrings().get("ApproximateNumberOfMessages"));

            batchBytes.clear();
            PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class, () -> FanOut.viaSqs(store, counted, queue, text)
                    .start("job-too-big", List.of("small", "y".repeat(FanOut.SQS_BATCH_BYTES)), Instant.now().plusSeconds(60),
                            Invocation.builder().build()));
            assertTrue(e.getMessage().contains("task 1"), e.getMessage());
            assertTrue(batchBytes.isEmpty(), "nothing was sent");
        }
    }
}
