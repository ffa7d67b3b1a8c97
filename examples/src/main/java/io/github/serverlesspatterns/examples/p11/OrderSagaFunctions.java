package io.github.serverlesspatterns.examples.p11;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Pattern 11, State Machine: the task functions of the order service's state machine
 * ({@code statemachine/order.asl.json}). Step Functions owns the flow: it retries a busy payment
 * provider with backoff, waits for the warehouse, and on a declined payment runs the
 * compensation ({@link Release}); each task does one thing and fails with an exception whose
 * class name the definition branches on.
 *
 * <p>Step Functions retries tasks, so every task is idempotent: running it twice leaves the
 * same state and returns the same answer. The order item's {@code status} is the guard
 * ({@code RESERVED -> CHARGED -> SHIPPED}, or {@code RESERVED -> RELEASED}).
 */
public final class OrderSagaFunctions {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private OrderSagaFunctions() {
    }

    /**
     * The order service's tables.
     *
     * @param dynamoDb  DynamoDB client
     * @param orders    the orders table (key {@code orderId})
     * @param inventory the inventory table (key {@code sku}, number {@code available})
     */
    public record Tables(DynamoDbClient dynamoDb, String orders, String inventory) {
        public Tables {
            Objects.requireNonNull(dynamoDb, "dynamoDb");
            Objects.requireNonNull(orders, "orders");
            Objects.requireNonNull(inventory, "inventory");
        }

        static Tables fromEnvironment() {
            return new Tables(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    Objects.requireNonNull(System.getenv("ORDERS_TABLE"), "ORDERS_TABLE is not set"),
                    Objects.requireNonNull(System.getenv("INVENTORY_TABLE"), "INVENTORY_TABLE is not set"));
        }

        Map<String, AttributeValue> order(String orderId) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(orders).consistentRead(true)
                    .key(Map.of("orderId", AttributeValue.fromS(orderId)))).item();
            return item == null || item.isEmpty() ? null : item;
        }
    }

    private static String text(Map<String, Object> input, String field) {
        Object value = input == null ? null : input.get(field);
        if (!(value instanceof String s) || !ID.matcher(s).matches()) {
            throw new IllegalArgumentException(field + " must be 1-64 letters, digits, '-' or '_', got " + value);
        }
        return s;
    }

    private static long positive(Map<String, Object> input, String field) {
        Object value = input == null ? null : input.get(field);
        if (!(value instanceof Number n) || n.longValue() <= 0 || n.doubleValue() != n.longValue()) {
            throw new IllegalArgumentException(field + " must be a positive whole number, got " + value);
        }
        return n.longValue();
    }

    private static Map<String, Object> result(String orderId, String status) {
        Map<String, Object> out = new HashMap<>();
        out.put("orderId", orderId);
        out.put("status", status);
        return out;
    }

    private abstract static class Task implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        private final RequestHandler<Map<String, Object>, Map<String, Object>> handler;

        Task(Handler<Map<String, Object>, Map<String, Object>> task) {
            this.handler = LambdaAdapters.toRequestHandler(task);
        }

        @Override
        public final Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            return handler.handleRequest(input, context);
        }
    }

    /** Takes the items out of stock and records the order as {@code RESERVED}, in one transaction. */
    public static final class Reserve extends Task {
        /** Lambda's constructor: {@code ORDERS_TABLE}, {@code INVENTORY_TABLE}. */
        public Reserve() {
            this(Tables.fromEnvironment());
        }

        /** @param t the order service's tables */
        public Reserve(Tables t) {
            super((input, invocation) -> {
                String orderId = text(input, "orderId");
                String sku = text(input, "sku");
                long quantity = positive(input, "quantity");
                long amount = positive(input, "amountCents");
                try {
                    t.dynamoDb().transactWriteItems(b -> b.transactItems(
                            TransactWriteItem.builder().update(u -> u.tableName(t.inventory())
                                    .key(Map.of("sku", AttributeValue.fromS(sku)))
                                    .updateExpression("SET available = available - :q")
                                    .conditionExpression("available >= :q")
                                    .expressionAttributeValues(Map.of(":q", AttributeValue.fromN(Long.toString(quantity))))).build(),
                            TransactWriteItem.builder().put(p -> p.tableName(t.orders())
                                    .item(Map.of("orderId", AttributeValue.fromS(orderId), "sku", AttributeValue.fromS(sku),
                                            "quantity", AttributeValue.fromN(Long.toString(quantity)),
                                            "amountCents", AttributeValue.fromN(Long.toString(amount)),
                                            "status", AttributeValue.fromS("RESERVED")))
                                    .conditionExpression("attribute_not_exists(orderId)")).build()));
                    return result(orderId, "RESERVED");
                } catch (TransactionCanceledException e) {
                    List<CancellationReason> reasons = e.cancellationReasons();
                    boolean orderExists = reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code());
                    if (orderExists) { // a retry of a reservation that went through
                        Map<String, AttributeValue> order = t.order(orderId);
                        return result(orderId, order == null ? "UNKNOWN" : order.get("status").s());
                    }
                    if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                        throw new OutOfStockException("not enough " + sku + " for " + quantity + " (order " + orderId + ")");
                    }
                    throw e;
                }
            });
        }
    }

    /**
     * Charges the order through the payment provider's HTTP API, with the order id as the
     * provider's idempotency key; 402 is a decline, 5xx or no answer is "busy" (retried).
     */
    public static final class Charge extends Task {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        /** Lambda's constructor: {@code ORDERS_TABLE}, {@code INVENTORY_TABLE}, {@code PAYMENT_URL}. */
        public Charge() {
            this(Tables.fromEnvironment(), URI.create(Objects.requireNonNull(System.getenv("PAYMENT_URL"), "PAYMENT_URL is not set")));
        }

        /**
         * @param t        the order service's tables
         * @param payments the payment provider's base URL
         */
        public Charge(Tables t, URI payments) {
            super((input, invocation) -> {
                String orderId = text(input, "orderId");
                Map<String, AttributeValue> order = t.order(orderId);
                if (order == null) {
                    throw new IllegalStateException("order " + orderId + " was never reserved");
                }
                String status = order.get("status").s();
                if (!status.equals("RESERVED")) {
                    return result(orderId, status); // charged before (a retry), or already past it
                }
                HttpResponse<String> response;
                try {
                    response = HTTP.send(HttpRequest.newBuilder(payments.resolve("/charges")).timeout(Duration.ofSeconds(5))
                            .header("Idempotency-Key", orderId).POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"orderId\":\"" + orderId + "\",\"amountCents\":" + order.get("amountCents").n() + "}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    throw new PaymentServiceBusyException("no answer from the payment provider: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PaymentServiceBusyException("interrupted while charging " + orderId);
                }
                if (response.statusCode() == 402) {
                    throw new PaymentDeclinedException("payment declined for " + orderId + ": " + response.body());
                }
                if (response.statusCode() != 200) {
                    throw new PaymentServiceBusyException("payment provider answered HTTP " + response.statusCode());
                }
                t.dynamoDb().updateItem(b -> b.tableName(t.orders()).key(Map.of("orderId", AttributeValue.fromS(orderId)))
                        .updateExpression("SET #s = :charged, chargeId = :c").conditionExpression("#s = :reserved")
                        .expressionAttributeNames(Map.of("#s", "status"))
                        .expressionAttributeValues(Map.of(":charged", AttributeValue.fromS("CHARGED"),
                                ":reserved", AttributeValue.fromS("RESERVED"), ":c", AttributeValue.fromS(response.body()))));
                return result(orderId, "CHARGED");
            });
        }
    }

    /** Marks a charged order {@code SHIPPED}. */
    public static final class Ship extends Task {
        /** Lambda's constructor: {@code ORDERS_TABLE}, {@code INVENTORY_TABLE}. */
        public Ship() {
            this(Tables.fromEnvironment());
        }

        /** @param t the order service's tables */
        public Ship(Tables t) {
            super((input, invocation) -> {
                String orderId = text(input, "orderId");
                try {
                    t.dynamoDb().updateItem(b -> b.tableName(t.orders()).key(Map.of("orderId", AttributeValue.fromS(orderId)))
                            .updateExpression("SET #s = :shipped").conditionExpression("#s IN (:charged, :shipped)")
                            .expressionAttributeNames(Map.of("#s", "status"))
                            .expressionAttributeValues(Map.of(":shipped", AttributeValue.fromS("SHIPPED"),
                                    ":charged", AttributeValue.fromS("CHARGED"))));
                } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
                    throw new IllegalStateException("order " + orderId + " is not charged; it cannot ship", e);
                }
                return result(orderId, "SHIPPED");
            });
        }
    }

    /** The compensation: puts a reserved order's items back in stock and marks it {@code RELEASED}, once. */
    public static final class Release extends Task {
        /** Lambda's constructor: {@code ORDERS_TABLE}, {@code INVENTORY_TABLE}. */
        public Release() {
            this(Tables.fromEnvironment());
        }

        /** @param t the order service's tables */
        public Release(Tables t) {
            super((input, invocation) -> {
                String orderId = text(input, "orderId");
                Map<String, AttributeValue> order = t.order(orderId);
                if (order == null || !order.get("status").s().equals("RESERVED")) {
                    return result(orderId, order == null ? "NOT_RESERVED" : order.get("status").s()); // nothing to undo, or undone
                }
                try {
                    t.dynamoDb().transactWriteItems(b -> b.transactItems(
                            TransactWriteItem.builder().update(u -> u.tableName(t.orders())
                                    .key(Map.of("orderId", AttributeValue.fromS(orderId)))
                                    .updateExpression("SET #s = :released").conditionExpression("#s = :reserved")
                                    .expressionAttributeNames(Map.of("#s", "status"))
                                    .expressionAttributeValues(Map.of(":released", AttributeValue.fromS("RELEASED"),
                                            ":reserved", AttributeValue.fromS("RESERVED")))).build(),
                            TransactWriteItem.builder().update(u -> u.tableName(t.inventory())
                                    .key(Map.of("sku", order.get("sku")))
                                    .updateExpression("SET available = available + :q")
                                    .expressionAttributeValues(Map.of(":q", order.get("quantity")))).build()));
                } catch (TransactionCanceledException raced) { // released by a concurrent retry
                    return result(orderId, t.order(orderId).get("status").s());
                }
                return result(orderId, "RELEASED");
            });
        }
    }
}
