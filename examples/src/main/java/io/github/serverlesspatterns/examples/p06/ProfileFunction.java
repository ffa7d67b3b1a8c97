package io.github.serverlesspatterns.examples.p06;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.fanout.Aggregator;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pattern 6, Aggregator: one request calls three services in parallel (each with its own timeout,
 * all within the invocation's remaining time), and merges what came back; a failing or slow part
 * is reported in the answer instead of failing it. The flaky reviews service sits behind a circuit
 * breaker shared in DynamoDB.
 */
public final class ProfileFunction implements RequestHandler<Map<String, String>, Map<String, String>> {

    private final RequestHandler<Map<String, String>, Map<String, String>> handler;

    /** Lambda's constructor: {@code ORDERS_FUNCTION}, {@code REVIEWS_FUNCTION}, {@code RECOMMENDATIONS_FUNCTION}, {@code CIRCUIT_TABLE}. */
    public ProfileFunction() {
        this(LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("ORDERS_FUNCTION"), "ORDERS_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("REVIEWS_FUNCTION"), "REVIEWS_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("RECOMMENDATIONS_FUNCTION"), "RECOMMENDATIONS_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("CIRCUIT_TABLE"), "CIRCUIT_TABLE is not set"));
    }

    /**
     * @param lambda          Lambda client
     * @param dynamo          DynamoDB client (circuit state)
     * @param orders          the orders service function
     * @param reviews         the reviews service function
     * @param recommendations the recommendations service function
     * @param circuitTable    the circuit table
     */
    public ProfileFunction(LambdaClient lambda, DynamoDbClient dynamo, String orders, String reviews, String recommendations,
                           String circuitTable) {
        CircuitBreaker reviewsBreaker = CircuitBreaker.of("reviews", DynamoDbCircuitStateStore.create(dynamo, circuitTable),
                CircuitBreakerConfig.builder().consecutiveFailures(2).waitInOpen(Duration.ofSeconds(30)).build());
        Handler<String, String> reviewsCall = LambdaInvoker.of(lambda, reviews, Codecs.utf8(), Codecs.utf8())::call;
        Aggregator<String, Map<String, String>> profile = Aggregator.<String, Map<String, String>>builder(results -> {
                    Map<String, String> merged = new TreeMap<>();
                    results.forEach((name, r) -> merged.put(name, r.ok() ? String.valueOf(r.value())
                            : "unavailable (" + r.error().getClass().getSimpleName() + ")"));
                    return merged;
                })
                .downstream("orders", LambdaInvoker.of(lambda, orders, Codecs.utf8(), Codecs.utf8())::call, Duration.ofSeconds(1))
                .downstream("reviews", Decorators.decorate(reviewsCall, reviewsBreaker.decorator()), Duration.ofSeconds(1))
                .downstream("recommendations", LambdaInvoker.of(lambda, recommendations, Codecs.utf8(), Codecs.utf8())::call,
                        Duration.ofSeconds(1))
                .policy(Aggregator.Policy.BEST_EFFORT).build();
        this.handler = LambdaAdapters.toRequestHandler((request, invocation) -> {
            String customer = request == null ? null : request.get("customerId");
            if (customer == null || customer.isBlank()) {
                throw new IllegalArgumentException("'customerId' is missing");
            }
            return profile.handle(customer, invocation);
        });
    }

    @Override
    public Map<String, String> handleRequest(Map<String, String> request, Context context) {
        return handler.handleRequest(request, context);
    }
}
