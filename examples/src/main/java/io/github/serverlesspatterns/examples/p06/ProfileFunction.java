package io.github.serverlesspatterns.examples.p06;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerMetricsListener;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.Aggregator;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pattern 6, Aggregator: one request calls three services in parallel (each with its own timeout,
 * all within the invocation's remaining time), and merges what came back; a failing or slow part
 * is reported in the answer instead of failing it. The flaky reviews service sits behind a circuit
 * breaker shared in DynamoDB.
 *
 * <p>Behind a REST API proxy integration: {@code POST /profile} with {@code {"customerId": "c-1"}}
 * answers 200 and the merged profile as JSON, 400 when the body is not JSON or has no customer.
 * The parts are invoked with the JSON {@code {"customerId": "c-1"}}: Lambda's Invoke API refuses a
 * payload that is not JSON.
 */
public final class ProfileFunction implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Codec<Map<String, String>> PART_JSON = JacksonCodec.of(JSON, new TypeReference<Map<String, String>>() { });

    /** The reviews circuit's name: the {@code Name} dimension of its metrics. */
    public static final String REVIEWS_CIRCUIT = "reviews";

    private final Handler<String, Map<String, String>> profile;
    private final CircuitBreaker reviewsBreaker;
    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> front;

    /** Lambda's constructor: {@code ORDERS_FUNCTION}, {@code REVIEWS_FUNCTION}, {@code RECOMMENDATIONS_FUNCTION}, {@code CIRCUIT_TABLE}. */
    public ProfileFunction() {
        this(LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("ORDERS_FUNCTION"), "ORDERS_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("REVIEWS_FUNCTION"), "REVIEWS_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("RECOMMENDATIONS_FUNCTION"), "RECOMMENDATIONS_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("CIRCUIT_TABLE"), "CIRCUIT_TABLE is not set"), ExampleMetrics.onStdout());
        // SnapStart: prime before the snapshot, renew the breaker's view and jitter after each restore
        io.github.serverlesspatterns.core.SnapStart.register(reviewsBreaker);
    }

    /**
     * @param lambda          Lambda client
     * @param dynamo          DynamoDB client (circuit state)
     * @param orders          the orders service function
     * @param reviews         the reviews service function
     * @param recommendations the recommendations service function
     * @param circuitTable    the circuit table
     * @param metrics         the aggregator's, the breaker's and the invokers' metrics, flushed after each invocation: on
     *                        Lambda, EMF on stdout
     */
    public ProfileFunction(LambdaClient lambda, DynamoDbClient dynamo, String orders, String reviews, String recommendations,
                           String circuitTable, EmfMetrics metrics) {
        CircuitBreaker reviewsBreaker = CircuitBreaker.of(REVIEWS_CIRCUIT, DynamoDbCircuitStateStore.create(dynamo, circuitTable),
                CircuitBreakerConfig.builder().consecutiveFailures(2).waitInOpen(Duration.ofSeconds(30))
                        .listener(CircuitBreakerMetricsListener.of(metrics)).build());
        this.reviewsBreaker = reviewsBreaker;
        Handler<String, String> reviewsCall = part(lambda, reviews, metrics);
        this.profile = Aggregator.<String, Map<String, String>>builder(results -> {
                    Map<String, String> merged = new TreeMap<>();
                    results.forEach((name, r) -> merged.put(name, r.ok() ? String.valueOf(r.value())
                            : "unavailable (" + r.error().getClass().getSimpleName() + ")"));
                    return merged;
                })
                .downstream("orders", part(lambda, orders, metrics), Duration.ofSeconds(1))
                .downstream("reviews", Decorators.decorate(reviewsCall, reviewsBreaker.decorator()), Duration.ofSeconds(1))
                .downstream("recommendations", part(lambda, recommendations, metrics), Duration.ofSeconds(1))
                .policy(Aggregator.Policy.BEST_EFFORT).metrics(metrics, "profile").build();
        this.front = io.github.serverlesspatterns.core.LambdaAdapters.toRequestHandler(Decorators.decorate(
                io.github.serverlesspatterns.core.http.RestApi.answerProblems(this::route), metrics.flushing()));
    }

    /** One downstream service: invoked with {@code {"customerId": ...}}, its {@code answer} taken from the JSON it returns. */
    private static Handler<String, String> part(LambdaClient lambda, String function, EmfMetrics metrics) {
        LambdaInvoker<Map<String, String>, Map<String, String>> invoker = LambdaInvoker.of(lambda, function, PART_JSON, PART_JSON)
                .withMetrics(metrics);
        return (customer, invocation) -> invoker.call(Map.of("customerId", customer), invocation).get("answer");
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        return front.handleRequest(request, context);
    }

    /** The route: 400 for a bad body, 200 with the merged profile; the library's problems (a deadline: 504) as problem documents. */
    private APIGatewayProxyResponseEvent route(APIGatewayProxyRequestEvent request, Invocation invocation) {
        String customer;
        try {
            Map<String, String> body = request.getBody() == null ? Map.of() : PART_JSON.decode(request.getBody().getBytes(StandardCharsets.UTF_8));
            customer = body.get("customerId");
        } catch (CodecException e) {
            return answer(400, Map.of("message", "the body must be a JSON object with a 'customerId' string"));
        }
        if (customer == null || customer.isBlank()) {
            return answer(400, Map.of("message", "'customerId' is missing"));
        }
        return answer(200, profile.handle(customer, invocation));
    }

    private static APIGatewayProxyResponseEvent answer(int status, Map<String, String> body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(new String(PART_JSON.encode(body), StandardCharsets.UTF_8));
    }
}
