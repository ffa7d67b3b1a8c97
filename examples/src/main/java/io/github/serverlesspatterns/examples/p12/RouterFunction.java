package io.github.serverlesspatterns.examples.p12;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.fanout.Router;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 12, Router: an asynchronous function picks which task function handles a payment event
 * by its {@code type}, stamps it with the routing time, and hands it over asynchronously; an event
 * with no route goes to the unroutable queue, never dropped.
 */
public final class RouterFunction implements RequestHandler<Map<String, Object>, String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Codec<Map<String, Object>> MAP = JacksonCodec.of(JSON, new TypeReference<Map<String, Object>>() { });

    private final RequestHandler<Map<String, Object>, String> handler;

    /** Lambda's constructor: {@code REFUND_FUNCTION}, {@code INVOICE_FUNCTION}, {@code UNROUTABLE_QUEUE_URL}. */
    public RouterFunction() {
        this(LambdaClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                Objects.requireNonNull(System.getenv("REFUND_FUNCTION"), "REFUND_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("INVOICE_FUNCTION"), "INVOICE_FUNCTION is not set"),
                Objects.requireNonNull(System.getenv("UNROUTABLE_QUEUE_URL"), "UNROUTABLE_QUEUE_URL is not set"), ExampleMetrics.onStdout());
    }

    /**
     * @param lambda     Lambda client
     * @param sqs        SQS client
     * @param refunds    the refund task function
     * @param invoices   the invoice task function
     * @param unroutable the queue for events with no route
     * @param metrics the pattern's metrics, flushed after each invocation: on Lambda, EMF on stdout
     */
    public RouterFunction(LambdaClient lambda, SqsClient sqs, String refunds, String invoices, String unroutable, EmfMetrics metrics) {
        Router<Map<String, Object>> router = Router.<Map<String, Object>>builder(e -> e.get("type") == null ? null : String.valueOf(e.get("type")))
                .asyncRoute("refund", LambdaInvoker.of(lambda, refunds, MAP, Codecs.jsonString()).withMetrics(metrics))
                .asyncRoute("invoice", LambdaInvoker.of(lambda, invoices, MAP, Codecs.jsonString()).withMetrics(metrics))
                .enrich(e -> {
                    Map<String, Object> enriched = new HashMap<>(e);
                    enriched.put("routedAt", Instant.now().toString());
                    return enriched;
                })
                .unknownRoutesTo((event, key) -> sqs.sendMessage(b -> b.queueUrl(unroutable)
                        .messageBody(new String(MAP.encode(event), StandardCharsets.UTF_8))))
                .build();
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(router, metrics.flushing()));
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return handler.handleRequest(event, context);
    }
}
