package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.SensitiveValues;
import io.github.serverlesspatterns.testing.SqsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body full of personal data that cannot be decoded goes to the dead-letter queue, whole (the
 * queue is where it may be), while the log lines and the DLQ's attributes name the message, the
 * field and the type only (the run's output is scanned for the canaries by .ci/check_no_body_values.py).
 */
@ExtendWith(LocalServicesExtension.class)
class NoBodyValuesTest {

    /** The handler's message type. @param email an e-mail @param card a card @param iban an IBAN @param amount an amount */
    record Payment(String email, String card, String iban, long amount) {
    }

    @Test
    void anUndecodableBody_reachesTheDlqWhole_butNoLogLineOrAttributeCarriesItsValues(SqsService sqs) {
        SqsClient client = sqs.client();
        String queue = sqs.createQueue("no-values");
        String dlq = sqs.createQueue("no-values-dlq");
        client.sendMessage(b -> b.queueUrl(queue).messageBody(SensitiveValues.body()));
        SqsBatchHandler<Payment> batch = SqsBatchHandler.of(SqsBatchConfig.builder(JacksonCodec.of(new ObjectMapper(), Payment.class))
                .deadLetterQueue(DeadLetterQueue.of(client, dlq)).build(), (m, inv) -> null);
        List<Message> received = client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        SQSBatchResponse response = batch.handle(Events.fromReceived(received, sqs.queueArn(queue)), Invocation.builder().build());

        assertTrue(response.getBatchItemFailures().isEmpty(), "undecodable is poison: to the DLQ, not retried");
        List<Message> dead = client.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        assertEquals(1, dead.size());
        assertEquals(SensitiveValues.body(), dead.get(0).body(), "the DLQ keeps the message itself, for a replay");
        String reason = dead.get(0).messageAttributes().get("failure-reason").stringValue();
        SensitiveValues.assertAbsent(reason, "the DLQ's failure-reason");
        assertTrue(reason.contains("amount"), "the reason names the field: " + reason);
        dead.get(0).messageAttributes().forEach((name, value) -> SensitiveValues.assertAbsent(value.stringValue(), "DLQ attribute " + name));
    }
}
