package io.github.serverlesspatterns.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class SqsServiceTest {

    @Test
    void fifoQueue_deliversEachGroupInSendOrder(SqsService sqs) {
        SqsClient client = sqs.client();
        String url = sqs.createQueue("kit-order.fifo", Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        for (int i = 0; i < 10; i++) {
            int n = i;
            client.sendMessage(b -> b.queueUrl(url).messageGroupId("g" + (n % 2)).messageBody("m" + n));
        }
        List<String> g0 = new ArrayList<>();
        List<String> g1 = new ArrayList<>();
        for (int round = 0; round < 10 && g0.size() + g1.size() < 10; round++) {
            List<Message> messages = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            for (Message m : messages) {
                (m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID).equals("g0") ? g0 : g1).add(m.body());
                client.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        assertEquals(List.of("m0", "m2", "m4", "m6", "m8"), g0);
        assertEquals(List.of("m1", "m3", "m5", "m7", "m9"), g1);
    }

    @Test
    void messageReceivedTooOften_isRedrivenToTheDeadLetterQueue(SqsService sqs) {
        SqsClient client = sqs.client();
        String dlq = sqs.createQueue("kit-redrive-dlq");
        String queue = sqs.createQueue("kit-redrive", Map.of(
                QueueAttributeName.REDRIVE_POLICY, sqs.redrivePolicy(dlq, 2),
                QueueAttributeName.VISIBILITY_TIMEOUT, "0"));
        client.sendMessage(b -> b.queueUrl(queue).messageBody("poison"));

        int receives = 0;
        for (int i = 0; i < 5; i++) {
            receives += client.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(1)).messages().size();
        }
        List<Message> dead = client.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(2)).messages();

        assertEquals(2, receives, "received exactly maxReceiveCount times before redrive");
        assertEquals(1, dead.size());
        assertEquals("poison", dead.get(0).body());
        assertTrue(sqs.queueArn(dlq).startsWith("arn:aws:sqs:"));
    }

    @Test
    void sizeLimits_areSqsCurrentOnes_aMebibytePerMessageAndPerBatch(SqsService sqs) {
        SqsClient client = sqs.client();
        String url = sqs.createQueue("kit-sizes");
        String mebibyte = "m".repeat(1024 * 1024);
        client.sendMessage(b -> b.queueUrl(url).messageBody(mebibyte)); // 1 MiB: accepted since August 2025
        var tooLarge = org.junit.jupiter.api.Assertions.assertThrows(software.amazon.awssdk.services.sqs.model.SqsException.class,
                () -> client.sendMessage(b -> b.queueUrl(url).messageBody(mebibyte + "m")));
        assertEquals(400, tooLarge.statusCode(), tooLarge.getMessage()); // ElasticMQ says MessageTooLong, SQS InvalidParameterValue
        String entry = "e".repeat(120 * 1024);
        List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(entry).build());
        }
        var batchTooLarge = org.junit.jupiter.api.Assertions.assertThrows(software.amazon.awssdk.services.sqs.model.SqsException.class,
                () -> client.sendMessageBatch(b -> b.queueUrl(url).entries(ten))); // 1.17 MiB in all
        assertEquals(400, batchTooLarge.statusCode(), batchTooLarge.getMessage()); // SQS: BatchRequestTooLong; ElasticMQ: MessageTooLong
        List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> fits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fits.add(ten.get(i).toBuilder().messageBody("f".repeat(100 * 1024)).build());
        }
        assertEquals(10, client.sendMessageBatch(b -> b.queueUrl(url).entries(fits)).successful().size(), "1,000 KiB in all: accepted");
    }
}
