package io.github.serverlesspatterns.fifo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.SqsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FIFOer on a real FIFO queue, re-invoking itself through the kit's Lambda endpoint. */
@ExtendWith(LocalServicesExtension.class)
class FifoDrainLoopTest {

    @Test
    void drainsFiveHundredMessagesInOrder_throughSelfReinvocations_withConcurrencyOne_beforeEachDeadline(
            SqsService sqs, LambdaService lambda) throws Exception {
        String queue = sqs.createQueue("drain-loop.fifo", Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
        for (int start = 0; start < 500; start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < start + 10; i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageGroupId("g" + (i % 5))
                        .messageDeduplicationId("m" + i).messageBody("g" + (i % 5) + ":" + i).build());
            }
            sqs.client().sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        }
        Map<String, List<Integer>> effects = new ConcurrentHashMap<>();
        List<DrainResult> results = new CopyOnWriteArrayList<>();
        List<String> documents = new CopyOnWriteArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Ledger", documents::add, java.time.Clock.systemUTC());
        io.github.serverlesspatterns.testing.ManualTicker ticker = new io.github.serverlesspatterns.testing.ManualTicker();
        FifoDrainConfig<String> config = FifoDrainConfig.builder(Codecs.utf8()).safetyMargin(Duration.ofMillis(500))
                .metrics(metrics, "ledger").ticker(ticker).build();
        FifoDrainLoop<String> loop = FifoDrainLoop.of(sqs.client(), queue, lambda.client(), config, (body, inv) -> {
            ticker.advance(Duration.ofMillis(5)); // what DrainDuration measures; the deadline is the invocation's
            try {
                Thread.sleep(5); // an I/O-bound write per message
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String[] parts = body.split(":");
            effects.computeIfAbsent(parts[0], k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(parts[1]));
            return null;
        });
        ObjectMapper mapper = new ObjectMapper();
        lambda.register(FunctionConfig.builder("fifoer", LocalFunction.of(new TypeReference<Map<String, Object>>() { }.getType(), DrainResult.class,
                        io.github.serverlesspatterns.core.LambdaAdapters.toRequestHandler((Map<String, Object> event, Invocation inv) -> {
                            DrainResult r = loop.handle(event, inv);
                            results.add(r);
                            return r;
                        })))
                .reservedConcurrency(1).timeout(Duration.ofMillis(1500)).build());

        // the scheduled rule's first kick
        lambda.client().invoke(b -> b.functionName("fifoer").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"source\":\"aws.events\"}")));
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(90)), "the loop finished");

        LambdaService.FunctionStats stats = lambda.stats("fifoer");
        System.out.printf("drain loop: %d invocations, results %s%n", stats.invocations(), results);
        assertEquals(0, sqs.approximateDepth(queue), "queue emptied");
        assertEquals(500, effects.values().stream().mapToInt(List::size).sum());
        effects.forEach((group, order) -> {
            List<Integer> sorted = new ArrayList<>(order);
            sorted.sort(Integer::compare);
            assertEquals(sorted, order, group + " in send order");
        });
        assertTrue(stats.invocations() >= 3, "re-invoked itself: " + stats.invocations());
        assertEquals(1, stats.maxConcurrency(), "concurrency 1");
        assertEquals(0, stats.timeouts(), "every invocation stopped before its deadline");
        assertEquals(StopReason.EMPTY, results.get(results.size() - 1).reason());
        assertEquals("empty", results.get(results.size() - 1).getStopReason(), "the label the runtime serializes");
        assertTrue(results.stream().limit(results.size() - 1).allMatch(r -> r.isReinvoked() && r.reason() == StopReason.DEADLINE));

        // what the invocations did, as metrics: one document for the loop, the counts summed over its invocations
        metrics.flush();
        assertEquals(1, documents.size(), documents.toString());
        var doc = mapper.readTree(documents.get(0));
        assertEquals("fifo-drain", doc.path("Pattern").asText());
        assertEquals("ledger", doc.path("Name").asText());
        assertEquals(500, doc.path("Processed").asInt());
        assertEquals(results.stream().mapToInt(DrainResult::getBatches).sum(), doc.path("Batches").asInt());
        assertEquals(results.size() - 1, doc.path("Reinvocations").asInt());
        assertEquals(results.size(), doc.path("DrainDuration").size(), "one duration per invocation");
        double drained = 0;
        for (var d : doc.path("DrainDuration")) {
            drained += d.asDouble();
        }
        assertEquals(2_500.0, drained, 1e-6, "the durations are the ticker's: 500 messages x 5 ms");
    }

    private static String fifoQueue(SqsService sqs, String name, String... groupAndBody) {
        String queue = sqs.createQueue(name + "-" + System.nanoTime() + ".fifo", Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < groupAndBody.length; i++) {
            String body = groupAndBody[i];
            entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageGroupId(body.substring(0, body.indexOf(':')))
                    .messageDeduplicationId("m" + i).messageBody(body).build());
        }
        sqs.client().sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        return queue;
    }

    private static int inFlight(SqsService sqs, String queue) {
        return Integer.parseInt(sqs.client().getQueueAttributes(b -> b.queueUrl(queue).attributeNames(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes().get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void anErrorOrAnUndeclaredCheckedException_failsOnlyItsMessage_andItsGroupWaits(SqsService sqs, LambdaService lambda) {
        String queue = fifoQueue(sqs, "throwables", "a:1", "a:2", "a:3", "b:4", "c:5");
        List<String> ran = new CopyOnWriteArrayList<>();
        List<String> logContext = new CopyOnWriteArrayList<>();
        FifoDrainLoop<String> loop = FifoDrainLoop.of(sqs.client(), queue, lambda.client(),
                FifoDrainConfig.builder(Codecs.utf8()).metrics(io.github.serverlesspatterns.core.metrics.Metrics.none(), "ledger").build(),
                (body, inv) -> {
                    ran.add(body);
                    logContext.add(org.slf4j.MDC.get("requestId") + "|" + org.slf4j.MDC.get("pattern") + "|" + org.slf4j.MDC.get("patternName")
                            + "|" + (org.slf4j.MDC.get("patternKey") != null));
                    if (body.equals("a:2")) {
                        throw io.github.serverlesspatterns.core.Failures.rethrow(new java.io.IOException("disk gone")); // as Lombok's @SneakyThrows
                    }
                    if (body.equals("b:4")) {
                        throw new AssertionError("an Error from the handler");
                    }
                    return null;
                });

        DrainResult result = loop.handle(Map.of(), Invocation.builder().requestId("req-9").functionName("fifoer")
                .timeout(Duration.ofSeconds(60)).build());
        assertEquals(java.util.Collections.nCopies(4, "req-9|fifo-drain|ledger|true"), logContext, "each message runs under the MDC keys");
        assertEquals(null, org.slf4j.MDC.get("pattern"), "and they are gone after");

        assertEquals(List.of("a:1", "a:2", "b:4", "c:5"), ran.stream().sorted().toList(), "a:3 waits behind a:2: order holds");
        assertEquals(2, result.getProcessed(), result.toString());
        assertEquals(3, result.getFailed(), "a:2, a:3 behind it, and b:4: " + result);
        assertEquals(StopReason.EMPTY, result.reason(), "the loop went on after both: " + result);
        assertEquals(3, inFlight(sqs, queue), "the three failed ones wait for redelivery; a:1 and c:5 were deleted");
    }

    @Test
    void aFatalError_deletesWhatFinished_thenPassesThrough(SqsService sqs, LambdaService lambda) {
        String queue = fifoQueue(sqs, "fatal", "a:1", "a:2", "a:3");
        List<String> ran = new CopyOnWriteArrayList<>();
        FifoDrainLoop<String> loop = FifoDrainLoop.of(sqs.client(), queue, lambda.client(), FifoDrainConfig.builder(Codecs.utf8()).build(),
                (body, inv) -> {
                    ran.add(body);
                    if (body.equals("a:2")) {
                        throw new OutOfMemoryError("simulated");
                    }
                    return null;
                });

        OutOfMemoryError e = assertThrows(OutOfMemoryError.class,
                () -> loop.handle(Map.of(), Invocation.builder().functionName("fifoer").timeout(Duration.ofSeconds(60)).build()));

        assertEquals("simulated", e.getMessage(), "the very error, unwrapped");
        assertEquals(List.of("a:1", "a:2"), ran, "nothing ran after the fatal error");
        assertEquals(2, inFlight(sqs, queue), "a:1 was deleted (it must not run twice); a:2 and a:3 wait for redelivery");
    }

    @Test
    void aStandardQueue_isRefused_sinceOrderCannotBeKept(SqsService sqs, LambdaService lambda) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FifoDrainLoop.of(sqs.client(),
                "http://127.0.0.1/000000000000/orders", lambda.client(), FifoDrainConfig.builder(Codecs.utf8()).build(), (b, i) -> null));
        assertTrue(e.getMessage().contains("must name a .fifo queue"));
    }
}
