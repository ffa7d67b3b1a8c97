package io.github.serverlesspatterns.examples.p09;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.fifo.DeadLetterQueue;
import io.github.serverlesspatterns.fifo.PoisonMessageException;
import io.github.serverlesspatterns.fifo.StreamBatchHandler;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 9, "They Say I'm A Streamer": devices post readings to an API Gateway Kinesis proxy
 * (no function in the write path); this consumer reads the stream in order per device and keeps
 * each device's latest reading, its count and its maximum in DynamoDB (Firehose archives the same
 * stream to S3 beside it).
 *
 * <p>Built on {@link StreamBatchHandler}: a record that fails for a transient reason is reported
 * as the batch item failure, so Lambda retries from it and nothing after it is skipped; a record
 * that can never succeed (not JSON, no {@code deviceId} or numeric {@code celsius}) is a
 * {@link PoisonMessageException} and goes to the dead-letter queue with its reason. Each update
 * is conditional on the record's sequence number being newer than the last one applied for the
 * device, so a retried batch does not count a reading twice.
 */
public final class ReadingsConsumerFunction implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kinesis sequence numbers are decimal strings of up to 128 digits; padded, they compare as strings. */
    private static final int SEQUENCE_WIDTH = 128;

    private final RequestHandler<KinesisEvent, StreamsEventResponse> handler;

    /** Lambda's constructor: {@code DEVICES_TABLE}, {@code DLQ_URL}. */
    public ReadingsConsumerFunction() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("DEVICES_TABLE"), "DEVICES_TABLE is not set"),
                Objects.requireNonNull(System.getenv("DLQ_URL"), "DLQ_URL is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param dynamoDb DynamoDB client
     * @param sqs      SQS client (dead-letter queue)
     * @param table    the devices table (key {@code deviceId})
     * @param dlqUrl   the dead-letter queue for poison records
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public ReadingsConsumerFunction(DynamoDbClient dynamoDb, SqsClient sqs, String table, String dlqUrl, EmfMetrics metrics) {
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(table, "table");
        Handler<KinesisEvent.KinesisEventRecord, Boolean> apply = (record, invocation) -> {
            String sequence = record.getKinesis().getSequenceNumber();
            JsonNode reading = parse(record.getKinesis().getData(), sequence);
            String padded = "0".repeat(Math.max(0, SEQUENCE_WIDTH - sequence.length())) + sequence;
            var key = Map.of("deviceId", AttributeValue.fromS(reading.get("deviceId").asText()));
            var celsius = AttributeValue.fromN(reading.get("celsius").asText());
            Map<String, AttributeValue> before;
            try { // maxCelsius is set only where it is missing; its old value says whether this reading is a new maximum
                before = dynamoDb.updateItem(b -> b.tableName(table).key(key)
                        .updateExpression("SET lastSequence = :seq, celsius = :c, maxCelsius = if_not_exists(maxCelsius, :c) ADD readings :one")
                        .conditionExpression("attribute_not_exists(lastSequence) OR lastSequence < :seq")
                        .expressionAttributeValues(Map.of(":seq", AttributeValue.fromS(padded), ":c", celsius,
                                ":one", AttributeValue.fromN("1")))
                        .returnValues(ReturnValue.ALL_OLD)).attributes();
            } catch (ConditionalCheckFailedException alreadyApplied) {
                return false; // a retried batch: this reading was counted before
            }
            AttributeValue oldMax = before == null ? null : before.get("maxCelsius");
            if (oldMax != null && new java.math.BigDecimal(oldMax.n()).compareTo(reading.get("celsius").decimalValue()) < 0) {
                try { // a second write only for a new maximum; it is idempotent, so a retry after this point is harmless
                    dynamoDb.updateItem(b -> b.tableName(table).key(key).updateExpression("SET maxCelsius = :c")
                            .conditionExpression("maxCelsius < :c").expressionAttributeValues(Map.of(":c", celsius)));
                } catch (ConditionalCheckFailedException notAMaximum) {
                    // a larger one was stored meanwhile
                }
            }
            return true;
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(StreamBatchHandler.kinesis(apply)
                .withDeadLetterQueue(DeadLetterQueue.of(sqs, dlqUrl)).withMetrics(metrics, "readings"), metrics.flushing()));
    }

    private static JsonNode parse(ByteBuffer data, String sequence) {
        if (data == null) {
            throw new PoisonMessageException("record " + sequence + " has no data");
        }
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        JsonNode reading;
        try {
            reading = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new PoisonMessageException("record " + sequence + " is not JSON: " + e.getMessage(), e);
        }
        if (reading == null || !reading.path("deviceId").isTextual() || reading.get("deviceId").asText().isBlank()
                || !reading.path("celsius").isNumber()) {
            throw new PoisonMessageException("record " + sequence + " needs a text deviceId and a numeric celsius");
        }
        return reading;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
