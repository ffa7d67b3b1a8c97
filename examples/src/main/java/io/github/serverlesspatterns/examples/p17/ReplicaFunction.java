package io.github.serverlesspatterns.examples.p17;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.fifo.NewerWinsWriter;
import io.github.serverlesspatterns.fifo.PoisonMessageException;
import io.github.serverlesspatterns.fifo.StreamBatchHandler;

import java.sql.Connection;
import io.github.serverlesspatterns.examples.shared.Postgres;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 17, Eventually Consistent: the customers service's DynamoDB stream is copied into the
 * reporting database by a throttled function, in order, retried from the failed record, with
 * stale changes rejected by {@code last_updated} ({@link NewerWinsWriter}); invalid changes are
 * poison (the stream's on-failure destination keeps them).
 */
public final class ReplicaFunction implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final NewerWinsWriter WRITER = NewerWinsWriter.of("customers_replica", "id", "last_updated", List.of("name"));

    private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;

    /** Lambda's constructor: {@code DB_JDBC_URL}, {@code DB_USER}, {@code DB_PASSWORD}. */
    public ReplicaFunction() {
        this(Objects.requireNonNull(System.getenv("DB_JDBC_URL"), "DB_JDBC_URL is not set"),
                Objects.requireNonNull(System.getenv("DB_USER"), "DB_USER is not set"),
                Objects.requireNonNull(System.getenv("DB_PASSWORD"), "DB_PASSWORD is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param jdbcUrl  the reporting database
     * @param user     its user
     * @param password its password
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public ReplicaFunction(String jdbcUrl, String user, String password, EmfMetrics metrics) {
        Handler<DynamodbEvent.DynamodbStreamRecord, Boolean> copy = (record, invocation) -> {
            Map<String, AttributeValue> keys = record.getDynamodb().getKeys();
            String id = keys == null || keys.get("id") == null ? null : keys.get("id").getS();
            boolean remove = "REMOVE".equals(record.getEventName());
            Map<String, AttributeValue> image = remove ? record.getDynamodb().getOldImage() : record.getDynamodb().getNewImage();
            AttributeValue version = image == null ? null : image.get("last_updated");
            if (id == null || version == null || version.getN() == null) {
                throw new PoisonMessageException("change " + record.getEventID() + " has no id or numeric last_updated");
            }
            try (Connection c = Postgres.connect(jdbcUrl, user, password)) {
                long v = Long.parseLong(version.getN());
                if (remove) {
                    return WRITER.delete(c, id, v + 1);
                }
                AttributeValue name = image.get("name");
                return WRITER.upsert(c, Map.of("id", id, "last_updated", v, "name", name == null ? "" : name.getS()));
            } catch (SQLException e) {
                throw new IllegalStateException("replica write failed for " + id + ": " + e.getMessage(), e);
            }
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(StreamBatchHandler.dynamodb(copy)
                .withMetrics(metrics, "customers"), metrics.flushing()));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return handler.handleRequest(event, context);
    }
}
