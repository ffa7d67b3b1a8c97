package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds Lambda SQS events the way the event source mapping does. */
final class Events {

    private Events() {
    }

    static SQSEvent.SQSMessage message(String id, String body, String group, String sourceArn) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(id);
        m.setBody(body);
        m.setEventSourceArn(sourceArn);
        Map<String, String> attributes = new HashMap<>();
        if (group != null) {
            attributes.put("MessageGroupId", group);
        }
        m.setAttributes(attributes);
        return m;
    }

    static SQSEvent event(List<SQSEvent.SQSMessage> messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    /** The event Lambda would deliver for messages received from a real queue. */
    static SQSEvent fromReceived(List<Message> received, String queueArn) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (Message r : received) {
            SQSEvent.SQSMessage m = message(r.messageId(), r.body(), r.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID), queueArn);
            m.setReceiptHandle(r.receiptHandle());
            messages.add(m);
        }
        return event(messages);
    }
}
