package io.github.serverlesspatterns.examples.p13;

import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.SnapStart;
import io.github.serverlesspatterns.core.http.HttpApi;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.fanout.RemoteFunctionException;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.http.HttpIdempotency;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Pattern 13, Robust API: one HTTP API, one function per route, all sharing the orders service's
 * table. Creating an order calls the pricing service synchronously (its answer is needed) and
 * tells the notification function asynchronously (nobody waits for it); a client retry of the
 * same {@code POST} (same {@code Idempotency-Key}) gets the first answer and creates nothing.
 */
public final class OrdersApiFunctions {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OrdersApiFunctions.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Codec<Map<String, Object>> MAP = JacksonCodec.of(JSON, new TypeReference<Map<String, Object>>() { });
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private OrdersApiFunctions() {
    }

    private static String env(String name) {
        return Objects.requireNonNull(System.getenv(name), name + " is not set");
    }

    private static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static LambdaClient lambda() {
        return LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    static APIGatewayV2HTTPResponse answer(int status, Map<String, ?> body) {
        try {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pathId(APIGatewayV2HTTPEvent request) {
        String id = request == null || request.getPathParameters() == null ? null : request.getPathParameters().get("id");
        return id != null && ID.matcher(id).matches() ? id : null;
    }

    private abstract static class Route implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;

        Route(Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> route) {
            this.handler = LambdaAdapters.toRequestHandler(route);
        }

        @Override
        public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
            return handler.handleRequest(request, context);
        }
    }

    /**
     * {@code POST /orders}: prices (sync), stores, notifies (async); once per {@code Idempotency-Key}.
     * Registered with SnapStart ({@link SnapStart#register}): before the snapshot it primes the
     * idempotency store and both invokers, which writes nothing and runs no function; after each
     * restore the parts renew what must not be shared by the environments resumed from one
     * snapshot (the idempotency local cache, random seeds).
     */
    public static final class CreateOrder extends Route {
        private final Primeable[] parts;

        /** Lambda's constructor: {@code ORDERS_TABLE}, {@code IDEMPOTENCY_TABLE}, {@code PRICING_FUNCTION}, {@code NOTIFY_FUNCTION}. */
        public CreateOrder() {
            this(dynamoDb(), lambda(), env("ORDERS_TABLE"), env("IDEMPOTENCY_TABLE"), env("PRICING_FUNCTION"), env("NOTIFY_FUNCTION"),
                    ExampleMetrics.onStdout());
            SnapStart.register(parts);
        }

        /**
         * @param dynamoDb         DynamoDB client
         * @param lambda           Lambda client
         * @param orders           the orders table (key {@code orderId})
         * @param idempotencyTable the idempotency records
         * @param pricing          the pricing service's function (RequestResponse)
         * @param notify           the notification function (Event)
         * @param metrics          the idempotency's and the invokers' metrics, flushed after each invocation: on Lambda, EMF on stdout
         */
        public CreateOrder(DynamoDbClient dynamoDb, LambdaClient lambda, String orders, String idempotencyTable, String pricing,
                           String notify, EmfMetrics metrics) {
            this(dynamoDb, LambdaInvoker.of(lambda, pricing, MAP, MAP).withMetrics(metrics),
                    LambdaInvoker.of(lambda, notify, MAP, Codecs.jsonString()).withMetrics(metrics), orders,
                    // keyed by the Idempotency-Key header; a replay needs the very same method, path and body (else 422);
                    // answers of 400 and above are not kept, so a corrected request with the same key runs
                    HttpIdempotency.httpApi(DynamoDbIdempotencyStore.create(dynamoDb, idempotencyTable), "create-order")
                            .storeIf(status -> status < 400).metrics(metrics).build(), metrics);
        }

        private CreateOrder(DynamoDbClient dynamoDb, LambdaInvoker<Map<String, Object>, Map<String, Object>> price,
                            LambdaInvoker<Map<String, Object>, String> notify, String orders,
                            Idempotency<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> once, EmfMetrics metrics) {
            // 400 without a key, 409 + Retry-After while the first request runs, 422 for the key with another request:
            // answered as application/problem+json by the front door
            super(Decorators.decorate(HttpApi.answerProblems(Decorators.decorate(create(dynamoDb, price, notify, orders), once)),
                    metrics.flushing()));
            this.parts = new Primeable[] {once, price, notify};
        }

        /** @return the parts primed before SnapStart's snapshot and renewed after each restore */
        public Primeable[] snapStartParts() {
            return parts.clone();
        }

        private static Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> create(DynamoDbClient dynamoDb,
                LambdaInvoker<Map<String, Object>, Map<String, Object>> price, LambdaInvoker<Map<String, Object>, String> notify,
                String orders) {
            return (request, invocation) -> {
                Map<String, Object> body;
                try {
                    body = request.getBody() == null ? null : JSON.readValue(request.getBody(), new TypeReference<Map<String, Object>>() { });
                } catch (JsonProcessingException e) {
                    // the position, not Jackson's message: it quotes the caller's text back
                    return answer(400, Map.of("error", "the body is not a JSON object (line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + ")"));
                }
                if (body == null || !(body.get("customerId") instanceof String c) || !ID.matcher(c).matches()
                        || !(body.get("sku") instanceof String s) || !ID.matcher(s).matches()) {
                    return answer(400, Map.of("error", "customerId and sku are required (1-64 letters, digits, '-' or '_')"));
                }
                Map<String, Object> quote;
                try {
                    quote = price.call(Map.of("product", body.get("sku"), "quantity", body.get("quantity")), invocation);
                } catch (RemoteFunctionException e) {
                    // the pricing service's own error text stays in this function's log: it is internal, and this answer is
                    // returned to a public caller
                    LOG.warn("pricing refused an order: {} ({})", e.errorType(), e.errorMessage());
                    return answer(422, Map.of("error", "pricing refused the order"));
                }
                String orderId = "o-" + UUID.randomUUID();
                String total = String.valueOf(quote.get("totalCents"));
                dynamoDb.putItem(b -> b.tableName(orders).item(Map.of("orderId", AttributeValue.fromS(orderId),
                        "customerId", AttributeValue.fromS(String.valueOf(body.get("customerId"))),
                        "sku", AttributeValue.fromS(String.valueOf(body.get("sku"))),
                        "totalCents", AttributeValue.fromN(total), "status", AttributeValue.fromS("PLACED"))));
                notify.send(Map.of("event", "order.placed", "orderId", orderId), invocation);
                return answer(201, Map.of("orderId", orderId, "totalCents", quote.get("totalCents")));
            };
        }
    }

    /** {@code GET /orders/{id}}: reads the shared table. */
    public static final class GetOrder extends Route {
        /** Lambda's constructor: {@code ORDERS_TABLE}. */
        public GetOrder() {
            this(dynamoDb(), env("ORDERS_TABLE"));
        }

        /**
         * @param dynamoDb DynamoDB client
         * @param orders   the orders table
         */
        public GetOrder(DynamoDbClient dynamoDb, String orders) {
            super((request, invocation) -> {
                String id = pathId(request);
                if (id == null) {
                    return answer(400, Map.of("error", "the order id must be 1-64 letters, digits, '-' or '_'"));
                }
                var item = dynamoDb.getItem(b -> b.tableName(orders).consistentRead(true).key(Map.of("orderId", AttributeValue.fromS(id)))).item();
                if (item == null || item.isEmpty()) {
                    return answer(404, Map.of("error", "no order " + id));
                }
                Map<String, Object> order = new HashMap<>();
                item.forEach((k, v) -> order.put(k, v.s() != null ? v.s() : v.n()));
                return answer(200, order);
            });
        }
    }

    /** {@code DELETE /orders/{id}}: cancels a placed order (409 once it is past that) and notifies asynchronously. */
    public static final class CancelOrder extends Route {
        /** Lambda's constructor: {@code ORDERS_TABLE}, {@code NOTIFY_FUNCTION}. */
        public CancelOrder() {
            this(dynamoDb(), lambda(), env("ORDERS_TABLE"), env("NOTIFY_FUNCTION"));
        }

        /**
         * @param dynamoDb DynamoDB client
         * @param lambda   Lambda client
         * @param orders   the orders table
         * @param notify   the notification function (Event)
         */
        public CancelOrder(DynamoDbClient dynamoDb, LambdaClient lambda, String orders, String notify) {
            super(cancel(dynamoDb, LambdaInvoker.of(lambda, notify, MAP, Codecs.jsonString()), orders));
        }

        private static Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> cancel(DynamoDbClient dynamoDb,
                LambdaInvoker<Map<String, Object>, String> notify, String orders) {
            return (request, invocation) -> {
                String id = pathId(request);
                if (id == null) {
                    return answer(400, Map.of("error", "the order id must be 1-64 letters, digits, '-' or '_'"));
                }
                try {
                    dynamoDb.updateItem(b -> b.tableName(orders).key(Map.of("orderId", AttributeValue.fromS(id)))
                            .updateExpression("SET #s = :cancelled").conditionExpression("#s = :placed")
                            .expressionAttributeNames(Map.of("#s", "status"))
                            .expressionAttributeValues(Map.of(":cancelled", AttributeValue.fromS("CANCELLED"),
                                    ":placed", AttributeValue.fromS("PLACED")))
                            .returnValuesOnConditionCheckFailure(software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD));
                } catch (ConditionalCheckFailedException e) {
                    return e.hasItem() && !e.item().isEmpty()
                            ? answer(409, Map.of("error", "order " + id + " is " + e.item().get("status").s() + ", it cannot be cancelled"))
                            : answer(404, Map.of("error", "no order " + id));
                }
                notify.send(Map.of("event", "order.cancelled", "orderId", id), invocation);
                return answer(200, Map.of("orderId", id, "status", "CANCELLED"));
            };
        }
    }

    /** The asynchronous callee: records the last event it was told about on the order (idempotent: a SET, not an ADD). */
    public static final class Notify implements RequestHandler<Map<String, Object>, String> {
        private final DynamoDbClient dynamoDb;
        private final String orders;

        /** Lambda's constructor: {@code ORDERS_TABLE}. */
        public Notify() {
            this(dynamoDb(), env("ORDERS_TABLE"));
        }

        /**
         * @param dynamoDb DynamoDB client
         * @param orders   the orders table
         */
        public Notify(DynamoDbClient dynamoDb, String orders) {
            this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
            this.orders = Objects.requireNonNull(orders, "orders");
        }

        @Override
        public String handleRequest(Map<String, Object> event, Context context) {
            Object orderId = event == null ? null : event.get("orderId");
            Object name = event == null ? null : event.get("event");
            if (!(orderId instanceof String id) || !(name instanceof String)) {
                throw new IllegalArgumentException("a notification needs 'event' and 'orderId', got " + event);
            }
            dynamoDb.updateItem(b -> b.tableName(orders).key(Map.of("orderId", AttributeValue.fromS(id)))
                    .updateExpression("SET lastNotified = :e").conditionExpression("attribute_exists(orderId)")
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromS((String) name))));
            return "notified " + name + " for " + id;
        }
    }

}
