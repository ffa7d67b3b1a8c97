package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.sam.ApiGateway;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test-side stand-ins for API Gateway's HTTP API and Step Functions behave as the real ones do on the rules the examples rely on. */
@ExtendWith(LocalServicesExtension.class)
class LocalStandInsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String get(HttpClient http, URI uri, String method) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void localHttpApi_picksTheMostSpecificRoute_andTheGreedyRouteTakesOnlyWhatNothingElseMatches(@TempDir Path dir, LambdaService lambda) throws Exception {
        HttpServer legacy = io.github.serverlesspatterns.testing.LoopbackHttp.create("a local stand-in", 4);
        legacy.createContext("/", e -> {
            byte[] body = ("legacy " + e.getRequestMethod() + " " + e.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        legacy.start();
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, String.join("\n",
                "Resources:",
                "  ById:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Events:",
                "        Get: {Type: HttpApi, Properties: {Path: '/orders/{id}', Method: GET}}",
                "  Special:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Events:",
                "        Get: {Type: HttpApi, Properties: {Path: /orders/special, Method: get}}",
                "  Legacy:",
                "    Type: AWS::ApiGatewayV2::Integration",
                "    Properties: {IntegrationType: HTTP_PROXY, IntegrationUri: {'Fn::Sub': '${Base}/{proxy}'}}",
                "  LegacyRoute:",
                "    Type: AWS::ApiGatewayV2::Route",
                "    Properties: {RouteKey: 'ANY /{proxy+}', Target: {'Fn::Sub': 'integrations/${Legacy}'}}",
                ""));
        lambda.register("api-ById", LocalFunction.of(APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class, (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) (e, c) ->
                APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("by id " + e.getPathParameters().get("id")).build()));
        lambda.register("api-Special", LocalFunction.of(APIGatewayV2HTTPEvent.class, APIGatewayV2HTTPResponse.class, (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) (e, c) ->
                APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("special").build()));
        try (ApiGateway api = new ApiGateway(template, Map.of("Base", "http://127.0.0.1:" + legacy.getAddress().getPort()), lambda, "api-")) {
            HttpClient http = HttpClient.newHttpClient();
            assertEquals("200 special", get(http, api.endpoint().resolve("/orders/special"), "GET"), "exact path over a variable");
            assertEquals("200 by id 7", get(http, api.endpoint().resolve("/orders/7"), "GET"));
            assertEquals("200 legacy DELETE /orders/7", get(http, api.endpoint().resolve("/orders/7"), "DELETE"), "no DELETE route: greedy");
            assertEquals("200 legacy GET /a/b/c", get(http, api.endpoint().resolve("/a/b/c"), "GET"));
            assertEquals(Map.of("ById", 1, "Special", 1, "http://127.0.0.1:" + legacy.getAddress().getPort() + "/{proxy}", 2), api.hits());
        } finally {
            legacy.stop(0);
        }
    }

    @Test
    void apiGateway_restApi_handsOnStageVariablesQueryAndPath_andTheStageInTheRequestContext(@TempDir Path dir, LambdaService lambda)
            throws Exception {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, String.join("\n",
                "Resources:",
                "  Api:",
                "    Type: AWS::Serverless::Api",
                "    Properties: {StageName: v2, Variables: {backend: blue}}",
                "  Echo:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Events:",
                "        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: '/things/{id}', Method: get}}",
                ""));
        lambda.register("stage-Echo", LocalFunction.of(new StageEcho()));
        try (ApiGateway api = new ApiGateway(template, Map.of(), lambda, "stage-")) {
            assertEquals("200 blue v2 7 x=1,y=2 /things/{id}", get(HttpClient.newHttpClient(), api.endpoint().resolve("/things/7?x=1&y=2"), "GET"));
        }
    }

    @Test
    void apiGateway_requestAuthorizer_needsItsIdentitySources_cachesPerIdentity_andHandsOnItsPrincipal(@TempDir Path dir,
            LambdaService lambda) throws Exception {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, String.join("\n",
                "Resources:",
                "  Api:",
                "    Type: AWS::Serverless::Api",
                "    Properties:",
                "      StageName: v1",
                "      Auth:",
                "        DefaultAuthorizer: Tenant",
                "        Authorizers:",
                "          Tenant:",
                "            FunctionPayloadType: REQUEST",
                "            FunctionArn: !GetAtt Gate.Arn",
                "            Identity: {Headers: [X-Tenant], QueryStrings: [key], ReauthorizeEvery: 300}",
                "  Gate:",
                "    Type: AWS::Serverless::Function",
                "  Echo:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Events:",
                "        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /things, Method: get}}",
                ""));
        lambda.register("req-Gate", LocalFunction.of(new TenantGate()));
        lambda.register("req-Echo", LocalFunction.of(new PrincipalEcho()));
        try (ApiGateway api = new ApiGateway(template, Map.of(), lambda, "req-")) {
            HttpClient http = HttpClient.newHttpClient();
            java.util.function.BiFunction<String, String, String> call = (tenant, key) -> {
                var request = HttpRequest.newBuilder(api.endpoint().resolve("/things" + (key == null ? "" : "?key=" + key)));
                if (tenant != null) {
                    request.header("X-Tenant", tenant);
                }
                try {
                    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() + " " + r.body();
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            assertTrue(call.apply(null, "open").startsWith("401"), "no tenant header");
            assertTrue(call.apply("acme", null).startsWith("401"), "no key query string");
            assertEquals(0, lambda.stats("req-Gate").invocations(), "the authorizer is not called without its identity sources");
            assertEquals("200 principal acme", call.apply("acme", "open"));
            assertEquals("200 principal acme", call.apply("acme", "open"));
            assertTrue(call.apply("acme", "shut").startsWith("403"));
            assertEquals(2, lambda.stats("req-Gate").invocations(), "one call per identity: the second open call came from the cache");
        }
    }

    /** A REQUEST authorizer: allows the tenant when the key is "open". */
    public static final class TenantGate implements RequestHandler<com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent,
            com.amazonaws.services.lambda.runtime.events.IamPolicyResponse> {
        @Override
        public com.amazonaws.services.lambda.runtime.events.IamPolicyResponse handleRequest(
                com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent e, com.amazonaws.services.lambda.runtime.Context c) {
            boolean open = "REQUEST".equals(e.getType()) && "open".equals(e.getQueryStringParameters().get("key"));
            var statement = com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.Statement.builder()
                    .withAction(com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.EXECUTE_API_INVOKE)
                    .withEffect(open ? com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.ALLOW
                            : com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.DENY)
                    .withResource(List.of(e.getMethodArn())).build();
            String tenant = e.getHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("X-Tenant"))
                    .map(Map.Entry::getValue).findFirst().orElse(null); // header names are case-insensitive
            return com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.builder().withPrincipalId(tenant)
                    .withPolicyDocument(com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.PolicyDocument.builder()
                            .withVersion(com.amazonaws.services.lambda.runtime.events.IamPolicyResponse.VERSION_2012_10_17)
                            .withStatement(List.of(statement)).build()).build();
        }
    }

    /** Answers with the authorizer's principal. */
    public static final class PrincipalEcho implements RequestHandler<com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent,
            com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent> {
        @Override
        public com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent handleRequest(
                com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent e, com.amazonaws.services.lambda.runtime.Context c) {
            return new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent().withStatusCode(200)
                    .withBody("principal " + e.getRequestContext().getAuthorizer().get("principalId"));
        }
    }

    /** Echoes what a REST proxy event carries. */
    public static final class StageEcho implements RequestHandler<com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent,
            com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent> {
        @Override
        public com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent handleRequest(
                com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent e, com.amazonaws.services.lambda.runtime.Context c) {
            return new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent().withStatusCode(200).withBody(
                    e.getStageVariables().get("backend") + " " + e.getRequestContext().getStage() + " " + e.getPathParameters().get("id") + " "
                            + "x=" + e.getQueryStringParameters().get("x") + ",y=" + e.getQueryStringParameters().get("y") + " " + e.getResource());
        }
    }

    private static final String MACHINE = """
            {"StartAt": "Work", "States": {
              "Work": {"Type": "Task", "Resource": "arn:work", "ResultPath": "$.result",
                       "Retry": [{"ErrorEquals": ["java.lang.IllegalStateException"], "IntervalSeconds": 1, "MaxAttempts": %d, "BackoffRate": 2}],
                       "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Undo"}],
                       "Next": "Done"},
              "Undo": {"Type": "Pass", "Result": "undone", "ResultPath": "$.undo", "Next": "Failed"},
              "Failed": {"Type": "Fail", "Error": "WorkFailed"},
              "Done": {"Type": "Succeed"}}}
            """;

    @Test
    void localStateMachine_retriesAsDefined_thenCatches_andKeepsTheInputUnderResultPath(LambdaService lambda) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        lambda.register("sfn-flaky", LocalFunction.of(Object.class, String.class, (RequestHandler<Object, String>) (in, ctx) -> {
            if (calls.incrementAndGet() % 3 != 0) {
                throw new IllegalStateException("busy");
            }
            return "ok";
        }));
        var enough = new LocalStateMachine(MACHINE.formatted(2), lambda.client(), Map.of("arn:work", "sfn-flaky"), Duration.ofMillis(1));
        var succeeded = enough.start(JSON.readTree("{\"order\":\"o-1\"}"));
        assertEquals("SUCCEEDED", succeeded.status());
        assertEquals("o-1", succeeded.output().get("order").asText(), "ResultPath keeps the input");
        assertEquals("ok", succeeded.output().get("result").asText());
        assertEquals(3, calls.get(), "1 try + 2 retries");

        calls.set(0);
        var tooFew = new LocalStateMachine(MACHINE.formatted(1), lambda.client(), Map.of("arn:work", "sfn-flaky"), Duration.ofMillis(1));
        var failed = tooFew.start(JSON.readTree("{\"order\":\"o-2\"}"));
        assertEquals("FAILED", failed.status());
        assertEquals("WorkFailed", failed.error());
        assertEquals(List.of("Work", "Work (retry 1 after IllegalStateException)", "Undo", "Failed"), failed.history());
        assertEquals("java.lang.IllegalStateException", failed.output().get("error").get("Error").asText());
        assertEquals("undone", failed.output().get("undo").asText());
    }

    @Test
    void localStateMachine_refusesAStateTypeItDoesNotRun_byName(LambdaService lambda) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalStateMachine(
                "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"Branches\":[],\"End\":true}}}", lambda.client(), Map.of(),
                Duration.ofMillis(1)));
        assertTrue(e.getMessage().contains("P") && e.getMessage().contains("Parallel"), e.getMessage());
    }
}
