package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.sam.ApiGateway;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The defects example 06 shipped with, which passed locally and failed on AWS, now fail locally the
 * way AWS fails them: the kit runs handlers behind the Java runtime's serialization and Invoke's
 * JSON-only rule, and the API stand-in checks proxy responses as API Gateway does.
 */
@ExtendWith(LocalServicesExtension.class)
class LambdaFidelityTest {

    /** Example 06's old handler shape: a REST API proxy event cannot become a {@code Map<String, String>}. */
    public static final class OldProfileFunction implements RequestHandler<Map<String, String>, Map<String, String>> {
        @Override
        public Map<String, String> handleRequest(Map<String, String> request, Context context) {
            return Map.of("customerId", String.valueOf(request.get("customerId")));
        }
    }

    /** Returns a map without {@code statusCode}: API Gateway's REST API cannot use it. */
    public static final class NoStatusCodeFunction implements RequestHandler<Object, Map<String, String>> {
        @Override
        public Map<String, String> handleRequest(Object request, Context context) {
            return Map.of("orders", "o-1");
        }
    }

    private static HttpResponse<String> postProfile(ApiGateway api) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.endpoint().resolve("/profile"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-1\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void restProxyEvent_intoAStringMapHandler_failsInTheRuntimesDeserializer_andTheApiAnswers502(LambdaService lambda) throws Exception {
        lambda.register("old06-ProfileFunction", LocalFunction.of(new OldProfileFunction()));
        try (ApiGateway api = new ApiGateway(PatternScenarios.exampleDir("06-aggregator").resolve("template.yaml"), Map.of(), lambda, "old06-")) {
            HttpResponse<String> response = postProfile(api);
            assertEquals(502, response.statusCode());
            assertEquals("{\"message\": \"Internal server error\"}", response.body());
        }
        assertEquals(1, lambda.stats("old06-ProfileFunction").errors(), "the function failed in the runtime's deserialization");
        String error = lambda.client().invoke(b -> b.functionName("old06-ProfileFunction")
                .payload(SdkBytes.fromUtf8String("{\"headers\":{\"Host\":\"x\"}}"))).payload().asUtf8String();
        assertTrue(error.contains("An error occurred during JSON parsing"), error);
    }

    @Test
    void proxyResponseWithoutStatusCode_isA502FromTheRestApi(LambdaService lambda) throws Exception {
        lambda.register("nostatus-ProfileFunction", LocalFunction.of(new NoStatusCodeFunction()));
        try (ApiGateway api = new ApiGateway(PatternScenarios.exampleDir("06-aggregator").resolve("template.yaml"), Map.of(), lambda,
                "nostatus-")) {
            HttpResponse<String> response = postProfile(api);
            assertEquals(502, response.statusCode());
            assertEquals("{\"message\": \"Internal server error\"}", response.body());
        }
    }

    @Test
    void rawTextInvokePayload_asExample06SentIt_isRefusedWithoutRunningThePart(LambdaService lambda) {
        lambda.register("old06-part", LocalFunction.of(new io.github.serverlesspatterns.examples.p06.PartFunction()));
        LambdaInvoker<String, String> old = LambdaInvoker.of(lambda.client(), "old06-part", Codecs.utf8(), Codecs.utf8());
        InvalidRequestContentException sync = assertThrows(InvalidRequestContentException.class,
                () -> old.call("c-1", Invocation.builder().build()));
        assertEquals(400, sync.statusCode());
        assertThrows(InvalidRequestContentException.class, () -> old.send("{broken", Invocation.builder().build()));
        assertEquals(0, lambda.stats("old06-part").invocations(), "AWS runs nothing for a non-JSON payload");
    }
}
