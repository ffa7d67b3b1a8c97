package io.github.serverlesspatterns.examples.p02;

import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fifo.DeadLetterQueue;
import io.github.serverlesspatterns.fifo.PoisonMessageException;
import io.github.serverlesspatterns.fifo.QueueMessage;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.sql.Connection;
import io.github.serverlesspatterns.examples.shared.Postgres;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Pattern 2, the throttled consumer: reads the buffered webhooks in batches (low concurrency, so
 * the database is never flooded), writes each to PostgreSQL once per message (idempotency), sends
 * invalid ones to the DLQ with the reason, and reports only real failures for retry.
 */
public final class ConsumerFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

    /** Lambda's constructor: {@code DLQ_URL}, {@code IDEMPOTENCY_TABLE}, {@code DB_JDBC_URL}, {@code DB_USER}, {@code DB_PASSWORD}. */
    public ConsumerFunction() {
        this(SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("DLQ_URL"), "DLQ_URL is not set"),
                Objects.requireNonNull(System.getenv("IDEMPOTENCY_TABLE"), "IDEMPOTENCY_TABLE is not set"),
                Objects.requireNonNull(System.getenv("DB_JDBC_URL"), "DB_JDBC_URL is not set"),
                Objects.requireNonNull(System.getenv("DB_USER"), "DB_USER is not set"),
                Objects.requireNonNull(System.getenv("DB_PASSWORD"), "DB_PASSWORD is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param sqs              SQS client
     * @param dynamo           DynamoDB client (idempotency)
     * @param dlqUrl           the dead-letter queue
     * @param idempotencyTable the idempotency table
     * @param jdbcUrl          the database
     * @param user             its user
     * @param password         its password
     * @param metrics          the batch's and the idempotency's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public ConsumerFunction(SqsClient sqs, DynamoDbClient dynamo, String dlqUrl, String idempotencyTable, String jdbcUrl, String user,
                            String password, EmfMetrics metrics) {
        Handler<QueueMessage<JsonNode>, String> save = (m, invocation) -> {
            JsonNode event = m.body();
            if (!event.path("event").isTextual() || !event.path("amount").canConvertToLong()) {
                // the reason names the message and what is wrong, never the body's values: it reaches the log and the DLQ attribute
                throw new PoisonMessageException("webhook " + m.messageId() + " needs a text 'event' and a whole 'amount'");
            }
            try (Connection c = Postgres.connect(jdbcUrl, user, password);
                 PreparedStatement s = c.prepareStatement("insert into webhook_events (message_id, event, amount) values (?, ?, ?)")) {
                s.setString(1, m.messageId());
                s.setString(2, event.get("event").asText());
                s.setLong(3, event.get("amount").asLong());
                s.executeUpdate();
                return "saved " + m.messageId();
            } catch (SQLException e) {
                throw new IllegalStateException("database write failed for " + m.messageId() + " (SQLState " + e.getSQLState()
                        + ")", e); // PostgreSQL's message can quote the row's values: kept out of the reason
            }
        };
        Idempotency<QueueMessage<JsonNode>, String> once = Idempotency.of(DynamoDbIdempotencyStore.create(dynamo, idempotencyTable),
                IdempotencyConfig.<QueueMessage<JsonNode>, String>builder("webhooks", QueueMessage::messageId, Codecs.utf8()).metrics(metrics).build());
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(SqsBatchHandler.of(
                SqsBatchConfig.builder(JacksonCodec.of(new ObjectMapper(), JsonNode.class)).deadLetterQueue(DeadLetterQueue.of(sqs, dlqUrl))
                        .metrics(metrics, "webhooks").build(),
                Decorators.decorate(save, once)), metrics.flushing()));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
