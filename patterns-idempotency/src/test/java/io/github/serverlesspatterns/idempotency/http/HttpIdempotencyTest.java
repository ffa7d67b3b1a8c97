package io.github.serverlesspatterns.idempotency.http;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.http.HttpApi;
import io.github.serverlesspatterns.core.http.RestApi;
import io.github.serverlesspatterns.idempotency.InMemoryIdempotencyStore;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.sam.ApiGateway;
import io.github.serverlesspatterns.testing.sam.SamFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code Idempotency-Key} front door on both API Gateway payload formats, through the kit's
 * API Gateway (the events API Gateway builds, read by the Lambda runtime's own serialization):
 * replays marked, the IETF draft's 400/409/422 as RFC 9457 problems, 5xx answers not kept.
 */
@ExtendWith(LocalServicesExtension.class)
class HttpIdempotencyTest {

    private static final Path REST = Path.of("src/test/resources/http/rest.yaml");
    private static final Path HTTP = Path.of("src/test/resources/http/http.yaml");
    private final HttpClient http = HttpClient.newHttpClient();

    /** What both functions do: 201 with a payment id, or 503 when the body asks for it; blocks while asked to. */
    private static final class Payments {
        final AtomicInteger runs = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);

        int status(String body) {
            runs.incrementAndGet();
            try {
                hold.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return body != null && body.contains("\"fail\"") ? 503 : 201;
        }
    }

    @Test
    void httpApi_replaysMarked_refusesAsProblems_andKeepsNo5xx(LambdaService lambda) throws Exception {
        Payments payments = new Payments();
        Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> pay = (request, inv) -> {
            int status = payments.status(request.getBody());
            return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody("{\"paymentId\":\"" + UUID.randomUUID() + "\"}").build();
        };
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> function = LambdaAdapters.toRequestHandler(HttpApi.answerProblems(
                Decorators.decorate(pay, HttpIdempotency.httpApi(new InMemoryIdempotencyStore(), "payments").build())));
        lambda.register(SamFunctions.config(HTTP, "HttpPayments", "v2-HttpPayments", LocalFunction.of(
                new TypedV2(function))).reservedConcurrency(4).build());
        try (ApiGateway api = new ApiGateway(HTTP, Map.of(), lambda, "v2-")) {
            exercise(api.endpoint().resolve("/payments"), payments);
        }
    }

    @Test
    void restApi_replaysMarked_refusesAsProblems_andKeepsNo5xx(LambdaService lambda) throws Exception {
        Payments payments = new Payments();
        Handler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> pay = (request, inv) -> new APIGatewayProxyResponseEvent()
                .withStatusCode(payments.status(request.getBody())).withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{\"paymentId\":\"" + UUID.randomUUID() + "\"}");
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> function = LambdaAdapters.toRequestHandler(
                RestApi.answerProblems(Decorators.decorate(pay, HttpIdempotency.restApi(new InMemoryIdempotencyStore(), "payments").build())));
        lambda.register(SamFunctions.config(REST, "RestPayments", "v1-RestPayments", LocalFunction.of(new TypedV1(function)))
                .reservedConcurrency(4).build());
        try (ApiGateway api = new ApiGateway(REST, Map.of(), lambda, "v1-")) {
            exercise(api.endpoint().resolve("/payments"), payments);
        }
    }

    private void exercise(URI payments, Payments function) throws Exception {
        String key = "k-" + UUID.randomUUID();
        HttpResponse<String> first = post(payments, key, "{\"amount\":10}");
        HttpResponse<String> retry = post(payments, "\"" + key + "\"", "{\"amount\":10}"); // the draft's quoted form, same key
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(first.body(), retry.body(), "the retry gets the first answer");
        assertEquals("true", retry.headers().firstValue(HttpIdempotency.REPLAYED_HEADER).orElse(null));
        assertTrue(first.headers().firstValue(HttpIdempotency.REPLAYED_HEADER).isEmpty(), "a first answer is not marked");
        assertEquals(1, function.runs.get());

        HttpResponse<String> reused = post(payments, key, "{\"amount\":99}");
        assertProblem(reused, 422, "idempotency-key-reused");
        HttpResponse<String> missing = post(payments, null, "{\"amount\":10}");
        assertProblem(missing, 400, "idempotency-key-missing");
        assertProblem(post(payments, "x".repeat(HttpIdempotency.MAX_KEY_LENGTH + 1), "{}"), 400, "idempotency-key-missing");
        assertEquals(1, function.runs.get(), "refused requests run nothing");

        String failing = "k-" + UUID.randomUUID();
        assertEquals(503, post(payments, failing, "{\"fail\":1}").statusCode());
        assertEquals(503, post(payments, failing, "{\"fail\":1}").statusCode());
        assertEquals(3, function.runs.get(), "a 5xx answer is not kept: the retry runs again");

        String busy = "k-" + UUID.randomUUID();
        function.hold = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> post(payments, busy, "{\"amount\":5}"));
        for (int i = 0; i < 400 && function.runs.get() < 4; i++) {
            Thread.sleep(25);
        }
        HttpResponse<String> inProgress = post(payments, busy, "{\"amount\":5}");
        function.hold.countDown();
        assertProblem(inProgress, 409, "idempotency-key-in-progress");
        assertTrue(inProgress.headers().firstValue("Retry-After").map(Integer::parseInt).orElse(0) >= 1, inProgress.headers().map().toString());
        assertEquals(201, slow.get(30, TimeUnit.SECONDS).statusCode());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String name) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("{\"type\":\"urn:serverless-patterns:problem:" + name + "\",\"title\":", response.body().substring(0,
                response.body().indexOf("\"title\":") + 8));
        assertTrue(response.body().endsWith(",\"status\":" + status + "}"), response.body());
    }

    private HttpResponse<String> post(URI uri, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** As the runtime hosts {@code class Http implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>}. */
    private record TypedV2(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> inner)
            implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            return inner.handleRequest(event, context);
        }
    }

    /** As the runtime hosts {@code class Rest implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>}. */
    private record TypedV1(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> inner)
            implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event,
                                                          com.amazonaws.services.lambda.runtime.Context context) {
            return inner.handleRequest(event, context);
        }
    }
}
