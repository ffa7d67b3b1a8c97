package io.github.serverlesspatterns.examples.p05;

import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 5, the callee of the handoff: Lambda may run an event more than once (and retries a
 * failure twice), so the shipment is idempotent per order id; events that keep failing go to the
 * on-failure destination.
 */
public final class ShippingFunction implements RequestHandler<Map<String, Object>, String> {

    private final RequestHandler<Map<String, Object>, String> handler;

    /** Lambda's constructor: {@code SHIPMENTS_TABLE} and {@code IDEMPOTENCY_TABLE} from the template. */
    public ShippingFunction() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("SHIPMENTS_TABLE"), "SHIPMENTS_TABLE is not set"),
                Objects.requireNonNull(System.getenv("IDEMPOTENCY_TABLE"), "IDEMPOTENCY_TABLE is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param dynamo           the DynamoDB client
     * @param shipmentsTable   where shipments are written
     * @param idempotencyTable the idempotency records
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public ShippingFunction(DynamoDbClient dynamo, String shipmentsTable, String idempotencyTable, EmfMetrics metrics) {
        Handler<Map<String, Object>, String> ship = (order, invocation) -> {
            Object address = order.get("address");
            if (!(address instanceof String) || ((String) address).isBlank()) {
                throw new IllegalArgumentException("order " + order.get("orderId") + " has no address");
            }
            String id = String.valueOf(order.get("orderId"));
            dynamo.updateItem(b -> b.tableName(shipmentsTable).key(Map.of("orderId", AttributeValue.fromS(id)))
                    .updateExpression("ADD shipments :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            return "shipped " + id;
        };
        Idempotency<Map<String, Object>, String> once = Idempotency.of(DynamoDbIdempotencyStore.create(dynamo, idempotencyTable),
                IdempotencyConfig.<Map<String, Object>, String>builder("shipping", o -> o.get("orderId") == null ? null
                        : String.valueOf(o.get("orderId")), Codecs.utf8())
                        // duplicates of an event often arrive while the first still runs: they wait for its result
                        // (never past their own deadline) instead of failing into Lambda's retries
                        .waitForInProgress(Duration.ofSeconds(5)).metrics(metrics).build());
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(ship, metrics.flushing(), once));
    }

    @Override
    public String handleRequest(Map<String, Object> order, Context context) {
        return handler.handleRequest(order, context);
    }
}
