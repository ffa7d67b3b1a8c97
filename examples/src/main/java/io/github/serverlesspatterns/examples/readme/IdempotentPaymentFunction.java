package io.github.serverlesspatterns.examples.readme;

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

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The README's idempotency example: an existing Lambda whose payment must happen once per
 * payment id, however often the event is delivered. Compiled in CI so the README cannot drift.
 */
public final class IdempotentPaymentFunction implements RequestHandler<Map<String, String>, String> {

    private final RequestHandler<Map<String, String>, String> decorated;

    /** Lambda's constructor: table name from the environment the SAM template sets. */
    public IdempotentPaymentFunction() {
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("IDEMPOTENCY_TABLE"), "IDEMPOTENCY_TABLE is not set"));
    }

    /**
     * @param dynamo the DynamoDB client
     * @param table  the idempotency table
     */
    public IdempotentPaymentFunction(DynamoDbClient dynamo, String table) {
        Idempotency<Map<String, String>, String> idempotency = Idempotency.of(
                DynamoDbIdempotencyStore.create(dynamo, table),
                IdempotencyConfig.builder("payments", (Map<String, String> event) -> event.get("paymentId"), Codecs.utf8())
                        .payload(event -> new TreeMap<>(event).toString())   // the whole event: same id, anything else changed: rejected
                        .localCache(1_000)                           // repeats on this instance: no DynamoDB call
                        .build());
        Handler<Map<String, String>, String> charge = LambdaAdapters.fromRequestHandler(new ChargeCard());
        this.decorated = LambdaAdapters.toRequestHandler(Decorators.decorate(charge, idempotency));
    }

    @Override
    public String handleRequest(Map<String, String> event, Context context) {
        return decorated.handleRequest(event, context);
    }

    /** The existing business logic, unchanged. */
    static final class ChargeCard implements RequestHandler<Map<String, String>, String> {
        @Override
        public String handleRequest(Map<String, String> event, Context context) {
            return "charged " + event.get("amount") + " for " + event.get("paymentId");
        }
    }
}
