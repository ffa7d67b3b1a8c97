package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.InMemoryIdempotencyStore;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.SqsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch handler against a real FIFO queue (ElasticMQ), driven the way Lambda's event source mapping drives it. */
@ExtendWith(LocalServicesExtension.class)
class SqsQueueScenarioTest {

    @Test
    void fifo_twentyGroupsOfFifty_withRandomFailuresAndDuplicateDeliveries_keepOrder_loseNothing_applyOnce(SqsService sqs) {
        SqsClient client = sqs.client();
        String queue = sqs.createQueue("fifo-scenario.fifo", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
        String arn = sqs.queueArn(queue);
        for (int g = 0; g < 20; g++) {
            for (int batchStart = 0; batchStart < 50; batchStart += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = batchStart; i < batchStart + 10; i++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageGroupId("group-" + g)
                            .messageDeduplicationId("g" + g + "-" + i).messageBody("group-" + g + ":" + i).build());
                }
                client.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
            }
        }

        Random random = new Random(42);
        Map<String, List<Integer>> effects = new ConcurrentHashMap<>();
        AtomicInteger injectedFailures = new AtomicInteger();
        Handler<QueueMessage<String>, String> apply = (m, inv) -> {
            if (random.nextInt(10) == 0) {
                injectedFailures.incrementAndGet();
                throw new IllegalStateException("injected failure before the effect");
            }
            String[] parts = m.body().split(":");
            effects.computeIfAbsent(parts[0], k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(parts[1]));
            return "applied " + m.messageId();
        };
        Handler<QueueMessage<String>, String> once = Decorators.decorate(apply, Idempotency.of(new InMemoryIdempotencyStore(),
                IdempotencyConfig.<QueueMessage<String>, String>builder("fifo-scenario", QueueMessage::messageId, Codecs.utf8()).build()));
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).parallelism(4).build(), once);

        int duplicateDeliveries = 0;
        int rounds = 0;
        while (sqs.approximateDepth(queue) > 0 && rounds < 2000) {
            rounds++;
            List<Message> received = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            if (received.isEmpty()) {
                continue;
            }
            SQSBatchResponse response = batch.handle(Events.fromReceived(received, arn), Invocation.builder().build());
            Set<String> failed = new HashSet<>();
            response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            for (Message m : received) {
                if (failed.contains(m.messageId())) {
                    continue; // Lambda leaves it: redelivered after the visibility timeout
                }
                if (random.nextInt(20) == 0) {
                    duplicateDeliveries++; // simulate a lost delete: SQS delivers it again
                    continue;
                }
                client.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        }

        System.out.printf("FIFO scenario: %d rounds, %d injected failures, %d duplicate deliveries%n", rounds,
                injectedFailures.get(), duplicateDeliveries);
        assertTrue(injectedFailures.get() > 20 && duplicateDeliveries > 10, "the scenario exercised failures and duplicates");
        assertEquals(20, effects.size());
        for (int g = 0; g < 20; g++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add(i);
            }
            assertEquals(expected, effects.get("group-" + g), "group " + g + ": in send order, none lost, none applied twice");
        }
    }

    @Test
    void poisonMessages_landInTheDeadLetterQueueWithTheirReason_andOnlyThey(SqsService sqs) {
        SqsClient client = sqs.client();
        String queue = sqs.createQueue("poison-source");
        String dlq = sqs.createQueue("poison-dlq");
        for (String body : List.of("7", "not-a-number", "8", "-1", "9")) {
            client.sendMessage(b -> b.queueUrl(queue).messageBody(body)
                    .messageAttributes(Map.of("tenant", software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                            .dataType("String").stringValue("acme").build())));
        }
        io.github.serverlesspatterns.core.Codec<Integer> integers = new io.github.serverlesspatterns.core.Codec<>() {
            @Override
            public byte[] encode(Integer value) {
                return value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public Integer decode(byte[] bytes) {
                String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                try {
                    return Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new io.github.serverlesspatterns.core.CodecException("not an integer: '" + text + "'", e);
                }
            }
        };
        List<Integer> applied = new CopyOnWriteArrayList<>();
        SqsBatchHandler<Integer> batch = SqsBatchHandler.of(SqsBatchConfig.builder(integers)
                .nonRetryable(e -> e instanceof IllegalArgumentException)
                .deadLetterQueue(DeadLetterQueue.of(client, dlq)).build(), (m, inv) -> {
                    if (m.body() < 0) {
                        throw new IllegalArgumentException("quantity must not be negative: " + m.body());
                    }
                    applied.add(m.body());
                    return null;
                });
        List<Message> received = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        SQSBatchResponse response = batch.handle(Events.fromReceived(received, sqs.queueArn(queue)), Invocation.builder().build());

        assertTrue(response.getBatchItemFailures().isEmpty(), "poison messages are acknowledged, not retried");
        assertEquals(List.of(7, 8, 9), applied.stream().sorted().toList());
        List<Message> dead = client.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        Map<String, String> reasons = new java.util.TreeMap<>();
        dead.forEach(m -> reasons.put(m.body(), m.messageAttributes().get("failure-reason").stringValue()));
        assertEquals(Set.of("not-a-number", "-1"), reasons.keySet(), "only the poison messages");
        assertTrue(reasons.get("not-a-number").contains("body cannot be decoded: not an integer: 'not-a-number'"), reasons.toString());
        assertEquals("quantity must not be negative: -1", reasons.get("-1"));
        assertTrue(dead.stream().allMatch(m -> m.messageAttributes().containsKey("source-message-id")));
    }

    @Test
    void prime_readsTheDeadLetterQueuesAttributes_andSendsNothing(SqsService sqs) {
        String dlq = sqs.createQueue("prime-dlq-" + System.nanoTime());
        SqsBatchHandler<String> handler = SqsBatchHandler.of(SqsBatchConfig.builder(io.github.serverlesspatterns.core.Codecs.utf8())
                .deadLetterQueue(DeadLetterQueue.of(sqs.client(), dlq)).build(), (m, inv) -> {
                    throw new AssertionError("priming must not call the record handler");
                });
        handler.prime();
        org.junit.jupiter.api.Assertions.assertEquals(0, sqs.approximateDepth(dlq), "priming sent a message");
        io.github.serverlesspatterns.core.PatternsException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.serverlesspatterns.core.PatternsException.class,
                () -> DeadLetterQueue.of(sqs.client(), sqs.endpoint() + "/000000000000/no-such-queue").prime());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no-such-queue"), e.getMessage());
    }
}
