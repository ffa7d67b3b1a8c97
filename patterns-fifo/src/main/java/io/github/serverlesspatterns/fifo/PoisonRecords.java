package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.github.serverlesspatterns.core.Codecs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * A poison stream record as the dead-letter queue keeps it: one JSON object with the record's
 * identifiers and its data, so it can be read, replayed or re-driven. Kinesis data is kept as
 * base64 (it is bytes, not text); DynamoDB images keep their attribute values' text form.
 */
final class PoisonRecords {

    private PoisonRecords() {
    }

    static String kinesis(KinesisEvent.KinesisEventRecord record) {
        KinesisEvent.Record kinesis = record.getKinesis();
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "eventSource", record.getEventSource());
        field(json, "eventSourceARN", record.getEventSourceARN());
        field(json, "eventID", record.getEventID());
        field(json, "awsRegion", record.getAwsRegion());
        if (kinesis != null) {
            field(json, "partitionKey", kinesis.getPartitionKey());
            field(json, "sequenceNumber", kinesis.getSequenceNumber());
            field(json, "approximateArrivalTimestamp", instant(kinesis.getApproximateArrivalTimestamp()));
            field(json, "data", base64(kinesis.getData()));
        }
        return close(json);
    }

    static String dynamodb(DynamodbEvent.DynamodbStreamRecord record) {
        var stream = record.getDynamodb();
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "eventSource", record.getEventSource());
        field(json, "eventSourceARN", record.getEventSourceARN());
        field(json, "eventID", record.getEventID());
        field(json, "eventName", record.getEventName());
        field(json, "awsRegion", record.getAwsRegion());
        if (stream != null) {
            field(json, "sequenceNumber", stream.getSequenceNumber());
            field(json, "approximateCreationDateTime", instant(stream.getApproximateCreationDateTime()));
            field(json, "keys", text(stream.getKeys()));
            field(json, "newImage", text(stream.getNewImage()));
            field(json, "oldImage", text(stream.getOldImage()));
        }
        return close(json);
    }

    private static String base64(ByteBuffer data) {
        if (data == null) {
            return null;
        }
        ByteBuffer copy = data.duplicate(); // reading must not move the handler's buffer
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String instant(Date date) {
        return date == null ? null : date.toInstant().toString();
    }

    private static String text(Map<String, ?> image) {
        return image == null ? null : image.toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(name).append("\":").append(new String(Codecs.jsonString().encode(value), StandardCharsets.UTF_8));
    }

    private static String close(StringBuilder json) {
        return json.append('}').toString();
    }
}
