package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambda's SQS poller, locally: events as Lambda builds them, and what it deletes after each outcome. */
@ExtendWith(LocalServicesExtension.class)
class SqsEventSourceTest {

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void fifoRecords_carryTheAttributesLambdaGives_throughTheRuntimesSqsEvent(SqsService sqs, LambdaService lambda) throws Exception {
        String queue = sqs.createQueue("esm-shape.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();
        lambda.register("esm-shape", LocalFunction.of(new ShapeHandler(seen)));
        sqs.client().sendMessage(b -> b.queueUrl(queue).messageGroupId("g-1").messageBody("{\"n\":1}")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String").stringValue("reading").build())));
        try (SqsEventSource esm = SqsEventSource.builder(sqs.client(), queue, lambda.client(), "esm-shape").build().start()) {
            await(() -> !seen.isEmpty() && esm.deleted() == 1, "the message");
        }
        SQSEvent.SQSMessage m = seen.get(0);
        assertEquals("{\"n\":1}", m.getBody());
        assertEquals("aws:sqs", m.getEventSource());
        assertTrue(m.getEventSourceArn().endsWith(":esm-shape.fifo"), m.getEventSourceArn());
        assertEquals(AwsClients.REGION, m.getAwsRegion());
        assertEquals("1", m.getAttributes().get("ApproximateReceiveCount"));
        assertEquals("g-1", m.getAttributes().get("MessageGroupId"));
        assertNotNull(m.getAttributes().get("SequenceNumber"));
        assertNotNull(m.getAttributes().get("MessageDeduplicationId"));
        assertNotNull(m.getAttributes().get("SentTimestamp"));
        assertEquals("reading", m.getMessageAttributes().get("kind").getStringValue());
        assertNotNull(m.getMd5OfBody());
        assertNotNull(m.getReceiptHandle());
        assertEquals(0, sqs.approximateDepth(queue));
    }

    @Test
    void fifoQueue_withTwoPollers_deliversEachGroupInOrder_once(SqsService sqs, LambdaService lambda) throws Exception {
        String queue = sqs.createQueue("esm-order.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
        List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();
        lambda.register("esm-order", LocalFunction.of(new ShapeHandler(seen)));
        for (int i = 0; i < 30; i++) {
            int n = i;
            sqs.client().sendMessage(b -> b.queueUrl(queue).messageGroupId("g-" + (n % 3)).messageBody("g-" + (n % 3) + ":" + n));
        }
        try (SqsEventSource esm = SqsEventSource.builder(sqs.client(), queue, lambda.client(), "esm-order").batchSize(5)
                .maximumConcurrency(2).build().start()) {
            await(() -> esm.deleted() == 30, "30 messages");
        }
        assertEquals(30, seen.size(), "each message once");
        for (int g = 0; g < 3; g++) {
            String group = "g-" + g;
            List<Integer> order = seen.stream().filter(m -> m.getAttributes().get("MessageGroupId").equals(group))
                    .map(m -> Integer.parseInt(m.getBody().split(":")[1])).toList();
            List<Integer> expected = new java.util.ArrayList<>();
            for (int i = g; i < 30; i += 3) {
                expected.add(i);
            }
            assertEquals(expected, order, group + " out of order");
        }
    }

    /** A class, as a deployed handler is: its declared types pick the runtime's SQSEvent serializer. */
    public static final class ShapeHandler implements RequestHandler<SQSEvent, Void> {
        private final List<SQSEvent.SQSMessage> seen;

        ShapeHandler(List<SQSEvent.SQSMessage> seen) {
            this.seen = seen;
        }

        @Override
        public Void handleRequest(SQSEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            seen.addAll(event.getRecords());
            return null;
        }
    }

    /** Fails the messages whose body starts with "bad". */
    public static final class PartialHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
        private final List<String> attempts;

        PartialHandler(List<String> attempts) {
            this.attempts = attempts;
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            List<SQSBatchResponse.BatchItemFailure> failures = new java.util.ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                attempts.add(m.getBody() + "#" + m.getAttributes().get("ApproximateReceiveCount"));
                if (m.getBody().startsWith("bad")) {
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build());
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }
    }

    @Test
    void withReportBatchItemFailures_onlySuccessesAreDeleted_andTheFailureIsRedrivenToTheDlq(SqsService sqs, LambdaService lambda)
            throws Exception {
        String dlq = sqs.createQueue("esm-partial-dlq");
        String dlqArn = sqs.client().getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        // visibility well above a delivery's time (the first one loads the runtime's serializers): a batch still
        // being handled must not come back, which is why the pre-deploy check demands 6 x the function timeout
        String queue = sqs.createQueue("esm-partial", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}"));
        List<String> attempts = new CopyOnWriteArrayList<>();
        lambda.register("esm-partial", LocalFunction.of(new PartialHandler(attempts)));
        for (String body : List.of("ok-1", "bad-2", "ok-3")) {
            sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody(body));
        }
        try (SqsEventSource esm = SqsEventSource.builder(sqs.client(), queue, lambda.client(), "esm-partial")
                .reportBatchItemFailures(true).build().start()) {
            await(() -> sqs.approximateDepth(dlq) == 1 && sqs.approximateDepth(queue) == 0, "bad-2 in the DLQ");
            assertEquals(2, esm.deleted(), "the two successes");
        }
        assertEquals(1, attempts.stream().filter(a -> a.startsWith("ok-1")).count(), "a success is delivered once: " + attempts);
        assertTrue(attempts.contains("bad-2#1") && attempts.contains("bad-2#2"), "the failure came back once: " + attempts);
        assertEquals("bad-2", sqs.client().receiveMessage(b -> b.queueUrl(dlq)).messages().get(0).body());
    }

    @Test
    void withoutReportBatchItemFailures_aReturnedFailureIsIgnored_andTheWholeBatchDeleted_asOnLambda(SqsService sqs, LambdaService lambda)
            throws Exception {
        String queue = sqs.createQueue("esm-ignored", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3"));
        List<String> attempts = new CopyOnWriteArrayList<>();
        lambda.register("esm-ignored", LocalFunction.of(new PartialHandler(attempts)));
        sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("bad-1"));
        try (SqsEventSource esm = SqsEventSource.builder(sqs.client(), queue, lambda.client(), "esm-ignored").build().start()) {
            await(() -> esm.deleted() == 1, "the batch deleted");
        }
        assertEquals(List.of("bad-1#1"), attempts, "lost, as Lambda loses it without ReportBatchItemFailures");
    }

    @Test
    void aFunctionError_leavesTheWholeBatch_toTheVisibilityTimeout(SqsService sqs, LambdaService lambda) throws Exception {
        String queue = sqs.createQueue("esm-error", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"));
        List<String> attempts = new CopyOnWriteArrayList<>();
        lambda.register("esm-error", LocalFunction.of(SQSEvent.class, void.class, (RequestHandler<SQSEvent, Void>) (event, ctx) -> {
            event.getRecords().forEach(m -> attempts.add(m.getBody() + "#" + m.getAttributes().get("ApproximateReceiveCount")));
            if (attempts.size() <= 2) {
                throw new IllegalStateException("database down");
            }
            return null;
        }));
        sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("m-1"));
        try (SqsEventSource esm = SqsEventSource.builder(sqs.client(), queue, lambda.client(), "esm-error")
                .reportBatchItemFailures(true).build().start()) {
            await(() -> esm.deleted() == 1, "the third delivery to succeed");
            assertEquals(2, esm.failedBatches());
        }
        assertEquals(List.of("m-1#1", "m-1#2", "m-1#3"), attempts);
    }
}
