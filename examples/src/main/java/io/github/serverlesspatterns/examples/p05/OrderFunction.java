package io.github.serverlesspatterns.examples.p05;

import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.util.Map;
import java.util.Objects;

/** Pattern 5, Internal Handoff: the order function hands the shipment over asynchronously ({@code Event}) and answers at once. */
public final class OrderFunction implements RequestHandler<Map<String, Object>, String> {

    private final RequestHandler<Map<String, Object>, String> handler;

    /** Lambda's constructor: the callee from {@code SHIPPING_FUNCTION}. */
    public OrderFunction() {
        this(LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("SHIPPING_FUNCTION"), "SHIPPING_FUNCTION is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param lambda   the Lambda client
     * @param shipping the shipping function
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public OrderFunction(LambdaClient lambda, String shipping, EmfMetrics metrics) {
        ObjectMapper json = new ObjectMapper();
        LambdaInvoker<Map<String, Object>, String> ship = LambdaInvoker.of(lambda, shipping,
                JacksonCodec.of(json, new TypeReference<Map<String, Object>>() { }), JacksonCodec.of(json, String.class)).withMetrics(metrics);
        Handler<Map<String, Object>, String> accept = (order, invocation) -> {
            ship.send(order, invocation);
            return "accepted " + order.get("orderId");
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(accept, metrics.flushing()));
    }

    @Override
    public String handleRequest(Map<String, Object> order, Context context) {
        return handler.handleRequest(order, context);
    }
}
