package io.github.serverlesspatterns.examples.p04;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.fanout.RemoteFunctionException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.util.Map;
import java.util.Objects;

/**
 * Pattern 4, Internal API: the checkout calls the pricing function synchronously through the
 * Lambda Invoke API ({@code RequestResponse}), typed, with the remote error surfaced clearly.
 */
public final class CheckoutFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Codec<Map<String, Object>> MAP = JacksonCodec.of(JSON, new TypeReference<Map<String, Object>>() { });

    private final RequestHandler<Map<String, Object>, Map<String, Object>> handler;

    /** Lambda's constructor: the callee from {@code PRICING_FUNCTION}. */
    public CheckoutFunction() {
        this(LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("PRICING_FUNCTION"), "PRICING_FUNCTION is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param lambda  the Lambda client
     * @param pricing the pricing function's name or ARN
     * @param metrics  the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout ({@link ExampleMetrics})
     */
    public CheckoutFunction(LambdaClient lambda, String pricing, EmfMetrics metrics) {
        LambdaInvoker<Map<String, Object>, Map<String, Object>> price = LambdaInvoker.of(lambda, pricing, MAP, MAP).withMetrics(metrics);
        Handler<Map<String, Object>, Map<String, Object>> checkout = (cart, invocation) -> {
            try {
                Map<String, Object> quote = price.call(cart, invocation);
                return Map.of("status", "priced", "totalCents", quote.get("totalCents"));
            } catch (RemoteFunctionException e) {
                return Map.of("status", "rejected", "reason", String.valueOf(e.errorMessage()));
            }
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(checkout, metrics.flushing()));
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> cart, Context context) {
        return handler.handleRequest(cart, context);
    }
}
