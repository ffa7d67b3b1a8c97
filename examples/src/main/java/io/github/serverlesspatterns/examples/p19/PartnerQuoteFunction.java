package io.github.serverlesspatterns.examples.p19;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerMetricsListener;
import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 19, Circuit Breaker: quotes come from a flaky third-party HTTP API, called through a
 * breaker whose state lives in DynamoDB so that every instance of the function sees it. While the
 * circuit is open the function answers at once with a fallback instead of waiting on the partner.
 */
public final class PartnerQuoteFunction implements RequestHandler<Map<String, String>, Map<String, String>> {

    /** The circuit's name: the {@code Name} dimension of its metrics. */
    public static final String CIRCUIT = "partner-quotes";

    /** The most a partner's quote may be: a longer answer is refused, not read into memory. */
    static final int MAX_QUOTE_BYTES = 4096;

    private final RequestHandler<Map<String, String>, Map<String, String>> handler;
    private final CircuitBreaker breaker;

    /** Lambda's constructor: {@code PARTNER_URL} and {@code CIRCUIT_TABLE} from the template. */
    public PartnerQuoteFunction() {
        // tight timeouts on the breaker's own store: a slow store must not hold the call (SDK defaults are 30 s and more)
        this(DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(2)).build())
                        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3))).build(),
                Objects.requireNonNull(System.getenv("CIRCUIT_TABLE"), "CIRCUIT_TABLE is not set"),
                URI.create(Objects.requireNonNull(System.getenv("PARTNER_URL"), "PARTNER_URL is not set")),
                CircuitBreakerConfig.builder().consecutiveFailures(3).waitInOpen(Duration.ofSeconds(30)).build(),
                ExampleMetrics.onStdout());
        // SnapStart: prime the circuit table's client before the snapshot; after each restore drop the
        // breaker's view from before it and reseed its backoff jitter
        io.github.serverlesspatterns.core.SnapStart.register(breaker);
    }

    /**
     * @param dynamo  DynamoDB client
     * @param table   the circuit table
     * @param partner the partner API
     * @param config  the breaker's configuration
     * @param metrics where the breaker's events go, flushed after each invocation: on Lambda, EMF on
     *                stdout, which the template's {@code PartnerCircuitOpenAlarm} watches ({@code State} 2 = open)
     */
    public PartnerQuoteFunction(DynamoDbClient dynamo, String table, URI partner, CircuitBreakerConfig config, EmfMetrics metrics) {
        CircuitBreaker breaker = CircuitBreaker.of(CIRCUIT, DynamoDbCircuitStateStore.create(dynamo, table),
                config.toBuilder().listener(CircuitBreakerMetricsListener.of(metrics)).build());
        this.breaker = breaker;
        Handler<Map<String, String>, Map<String, String>> callPartner = (request, invocation) -> {
            String product = request == null ? null : request.get("product");
            if (product == null || !product.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("'product' must be 1 to 64 letters, digits or '-'");
            }
            try {
                HttpURLConnection c = (HttpURLConnection) partner.resolve("/quote?product=" + product).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout((int) Math.max(100, Math.min(3000, invocation.remainingTime().toMillis() - 200)));
                int status = c.getResponseCode();
                if (status != 200) {
                    throw new IllegalStateException("partner answered HTTP " + status);
                }
                try (InputStream in = c.getInputStream()) {
                    byte[] body = in.readNBytes(MAX_QUOTE_BYTES + 1); // never more than the limit in memory
                    if (body.length > MAX_QUOTE_BYTES) {
                        throw new IllegalStateException("partner answered more than " + MAX_QUOTE_BYTES + " bytes");
                    }
                    return Map.of("product", product, "price", new String(body, StandardCharsets.UTF_8), "source", "partner");
                }
            } catch (IOException e) {
                throw new IllegalStateException("partner unreachable: " + e.getMessage(), e);
            }
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(callPartner, metrics.flushing(), breaker.decorator(
                (request, invocation, rejected) -> Map.of("product", String.valueOf(request.get("product")), "price", "unavailable",
                        "source", "circuit " + rejected.state()))));
    }

    @Override
    public Map<String, String> handleRequest(Map<String, String> request, Context context) {
        return handler.handleRequest(request, context);
    }
}
