package io.github.serverlesspatterns.examples.p14;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.fifo.DeadLetterQueue;
import io.github.serverlesspatterns.fifo.PoisonMessageException;
import io.github.serverlesspatterns.fifo.QueueMessage;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.sql.Connection;
import io.github.serverlesspatterns.examples.shared.Postgres;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Pattern 14, Frugal Consumer: a standalone queue any producer can send meter readings to
 * ({@code "meter:kwh"}), drained by a consumer throttled to low concurrency so the database is
 * never flooded; each reading is written once (its message id is the primary key, so a
 * redelivery changes nothing); invalid readings go to the DLQ with the reason.
 */
public final class FrugalConsumerFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

    /** Lambda's constructor: {@code DLQ_URL}, {@code DB_JDBC_URL}, {@code DB_USER}, {@code DB_PASSWORD}. */
    public FrugalConsumerFunction() {
        this(SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("DLQ_URL"), "DLQ_URL is not set"),
                Objects.requireNonNull(System.getenv("DB_JDBC_URL"), "DB_JDBC_URL is not set"),
                Objects.requireNonNull(System.getenv("DB_USER"), "DB_USER is not set"),
                Objects.requireNonNull(System.getenv("DB_PASSWORD"), "DB_PASSWORD is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param sqs      SQS client
     * @param dlqUrl   the dead-letter queue
     * @param jdbcUrl  the database
     * @param user     its user
     * @param password its password
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public FrugalConsumerFunction(SqsClient sqs, String dlqUrl, String jdbcUrl, String user, String password, EmfMetrics metrics) {
        Handler<QueueMessage<String>, Void> save = (m, invocation) -> {
            String[] parts = m.body().split(":");
            if (parts.length != 2 || !parts[1].matches("\\d{1,9}")) {
                throw new PoisonMessageException("message " + m.messageId() + ": expected 'meter:kwh', got " + m.body().length()
                        + " characters in " + parts.length + " parts"); // never the body's values (log, DLQ attribute)
            }
            try (Connection c = Postgres.connect(jdbcUrl, user, password);
                 PreparedStatement s = c.prepareStatement(
                         "insert into meter_readings (message_id, meter, kwh) values (?, ?, ?) on conflict (message_id) do nothing")) {
                s.setString(1, m.messageId());
                s.setString(2, parts[0]);
                s.setInt(3, Integer.parseInt(parts[1]));
                s.executeUpdate();
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("database write failed for " + m.messageId() + " (SQLState " + e.getSQLState()
                        + ")", e); // PostgreSQL's message can quote the row's values: kept out of the reason
            }
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8())
                .deadLetterQueue(DeadLetterQueue.of(sqs, dlqUrl)).metrics(metrics, "readings").build(), save), metrics.flushing()));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
