package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.SqsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A batch's outcome as EMF metrics under Pattern=sqs-batch and the consumer's name. */
@ExtendWith(LocalServicesExtension.class)
class SqsBatchMetricsTest {

    @Test
    void messagesRetriesAndPoison_areCounted_andTheBatchTimed(SqsService sqs) throws Exception {
        SqsClient client = sqs.client();
        String queue = sqs.createQueue("metered");
        String dlq = sqs.createQueue("metered-dlq");
        for (String body : List.of("ok", "retry", "poison")) {
            client.sendMessage(b -> b.queueUrl(queue).messageBody(body));
        }
        List<String> lines = new ArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Orders", lines::add, Clock.systemUTC());
        // the handler's own SQS calls, counted on the client it is given (SCALE.md: the handler makes one per poison message)
        java.util.concurrent.atomic.AtomicInteger handlerCalls = new java.util.concurrent.atomic.AtomicInteger();
        SqsClient counted = io.github.serverlesspatterns.testing.AwsClients.configure(SqsClient.builder(), sqs.endpoint(),
                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                                software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                        handlerCalls.incrementAndGet();
                    }
                }).build();
        io.github.serverlesspatterns.testing.ManualTicker ticker = new io.github.serverlesspatterns.testing.ManualTicker();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8())
                .deadLetterQueue(DeadLetterQueue.of(counted, dlq)).metrics(metrics, "orders-queue").ticker(ticker).build(), (m, inv) -> {
                    ticker.advance(java.time.Duration.ofMillis(100));
                    if (m.body().equals("retry")) {
                        throw new IllegalStateException("downstream busy");
                    }
                    if (m.body().equals("poison")) {
                        throw new PoisonMessageException("not an order");
                    }
                    return null;
                });
        List<Message> received = new ArrayList<>();
        for (int i = 0; i < 10 && received.size() < 3; i++) {
            received.addAll(client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
        }
        SQSBatchResponse response = batch.handle(Events.fromReceived(received, sqs.queueArn(queue)), Invocation.builder().build());
        metrics.flush();
        assertEquals(1, response.getBatchItemFailures().size());
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertEquals("sqs-batch", doc.path("Pattern").asText());
        assertEquals("orders-queue", doc.path("Name").asText());
        assertEquals(List.of(3, 1, 1), List.of(doc.path("Messages").asInt(), doc.path("RetriesReported").asInt(),
                doc.path("PoisonToDlq").asInt()), lines.get(0));
        assertEquals(1, doc.path("BatchDuration").size());
        assertEquals(300.0, doc.path("BatchDuration").get(0).asDouble(), "the ticker's time: 3 messages x 100 ms");
        assertEquals(1, handlerCalls.get(), "SQS calls of the handler: one SendMessage for the one poison message");
        System.out.printf("sqs batch of %d messages (1 poison, 1 retried): %d SQS calls by the handler (model: 1 per poison message)%n",
                received.size(), handlerCalls.get());
        counted.close();
    }
}
