package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.testing.fixtures.CountingHandler;
import io.github.serverlesspatterns.testing.fixtures.FailingInitHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handlers run by the real Lambda Java runtime client, in a child JVM, against the kit's Runtime API. */
@ExtendWith(LocalServicesExtension.class)
class LambdaProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The test classes folder stands in for an unpacked deployment package: the fixtures are at its root. */
    private static Path taskRoot() throws URISyntaxException {
        return Path.of(CountingHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static JsonNode invoke(LambdaService lambda, String name, String payload) throws Exception {
        InvokeResponse response = lambda.client().invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String(payload)));
        return JSON.readTree(response.payload().asByteArray()).deepCopy();
    }

    @Test
    void handler_runsInTheRuntimeClient_withItsEnvironment_staticStateAndOwnTmp(LambdaService lambda) throws Exception {
        try (LambdaProcess fn = LambdaProcess.of("proc-count", CountingHandler.class.getName() + "::handleRequest", taskRoot(),
                Map.of("GREETING", "hello"))) {
            lambda.register(FunctionConfig.builder("proc-count", fn).timeout(Duration.ofSeconds(30)).build());
            JsonNode first = invoke(lambda, "proc-count", "{\"name\":\"ann\"}");
            JsonNode second = invoke(lambda, "proc-count", "{\"name\":\"bob\"}");
            assertEquals("hello ann", first.get("greeting").asText());
            assertEquals(1, first.get("invocation").asInt());
            assertEquals(2, second.get("invocation").asInt(), "one instance keeps its static state");
            assertEquals("proc-count", first.get("function").asText());
            assertNotEquals(first.get("requestId").asText(), second.get("requestId").asText());
            assertTrue(first.get("remainingMillis").asInt() > 0 && first.get("remainingMillis").asInt() <= 30_000, first.toString());
            assertTrue(first.get("tmp").asText().contains("lambda-instance-"), "its own /tmp: " + first);
            assertEquals(1, fn.instancesStarted());
            assertTrue(fn.output().contains("WARN handled ann"), "stdout is kept as CloudWatch would: " + fn.output());
        }
    }

    @Test
    void functionError_isTheRuntimesErrorDocument(LambdaService lambda) throws Exception {
        try (LambdaProcess fn = LambdaProcess.of("proc-fail", CountingHandler.class.getName() + "::handleRequest", taskRoot(), Map.of())) {
            lambda.register(FunctionConfig.builder("proc-fail", fn).timeout(Duration.ofSeconds(30)).build());
            InvokeResponse response = lambda.client().invoke(b -> b.functionName("proc-fail").payload(SdkBytes.fromUtf8String("{\"fail\":\"x\"}")));
            assertEquals("Unhandled", response.functionError());
            JsonNode error = JSON.readTree(response.payload().asByteArray());
            assertEquals("asked to fail: x", error.get("errorMessage").asText());
            assertEquals("java.lang.IllegalStateException", error.get("errorType").asText());
            assertTrue(error.get("stackTrace").isArray());

            InvokeResponse wrongShape = lambda.client().invoke(b -> b.functionName("proc-fail").payload(SdkBytes.fromUtf8String("[1,2]")));
            assertEquals("Unhandled", wrongShape.functionError(), "an array is no Map for the runtime");
        }
    }

    @Test
    void initError_failsTheInvocation_withTheConstructorsError(LambdaService lambda) throws Exception {
        try (LambdaProcess fn = LambdaProcess.of("proc-init", FailingInitHandler.class.getName() + "::handleRequest", taskRoot(), Map.of())) {
            lambda.register(FunctionConfig.builder("proc-init", fn).timeout(Duration.ofSeconds(30)).build());
            InvokeResponse response = lambda.client().invoke(b -> b.functionName("proc-init").payload(SdkBytes.fromUtf8String("{}")));
            assertEquals("Unhandled", response.functionError());
            assertTrue(response.payload().asUtf8String().contains("TABLE_NAME is not set"), response.payload().asUtf8String());
        }
    }

    @Test
    void timeout_endsTheInstance_andTheNextInvocationStartsANewOne(LambdaService lambda) throws Exception {
        try (LambdaProcess fn = LambdaProcess.of("proc-slow", CountingHandler.class.getName() + "::handleRequest", taskRoot(),
                Map.of("GREETING", "hi"))) {
            lambda.register(FunctionConfig.builder("proc-slow", fn).timeout(Duration.ofSeconds(20)).build());
            assertEquals(1, invoke(lambda, "proc-slow", "{\"name\":\"warm\"}").get("invocation").asInt());
            lambda.register(FunctionConfig.builder("proc-slow", fn).timeout(Duration.ofMillis(1500)).build());
            InvokeResponse slow = lambda.client().invoke(b -> b.functionName("proc-slow")
                    .payload(SdkBytes.fromUtf8String("{\"name\":\"slow\",\"sleepMillis\":20000}")));
            assertEquals("Unhandled", slow.functionError());
            assertTrue(slow.payload().asUtf8String().contains("Task timed out"), slow.payload().asUtf8String());
            lambda.register(FunctionConfig.builder("proc-slow", fn).timeout(Duration.ofSeconds(20)).build());
            JsonNode after = invoke(lambda, "proc-slow", "{\"name\":\"again\"}");
            assertEquals(1, after.get("invocation").asInt(), "a new instance: static state starts over");
            assertEquals(2, fn.instancesStarted());
            assertNull(after.get("errorType"));
        }
    }

    @Test
    void managedInstanceMode_oneProcessServesManyInvocationsAtOnce_eachWithItsOwnRequest(LambdaService lambda) throws Exception {
        // AWS_LAMBDA_MAX_CONCURRENCY is what Lambda Managed Instances give the runtime client: that many handler threads
        try (LambdaProcess fn = LambdaProcess.of("proc-lmi", io.github.serverlesspatterns.testing.fixtures.ConcurrentHandler.class.getName()
                + "::handleRequest", taskRoot(), Map.of("AWS_LAMBDA_MAX_CONCURRENCY", "4"))) {
            lambda.register(FunctionConfig.builder("proc-lmi", fn).timeout(Duration.ofSeconds(60)).build());
            invoke(lambda, "proc-lmi", "{}"); // the instance is up
            java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                java.util.List<java.util.concurrent.Future<JsonNode>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(callers.submit(() -> invoke(lambda, "proc-lmi", "{}")));
                }
                java.util.Set<String> ids = new java.util.HashSet<>();
                java.util.Set<Long> pids = new java.util.HashSet<>();
                int most = 0;
                for (var call : calls) {
                    JsonNode answer = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    ids.add(answer.get("requestId").asText());
                    pids.add(answer.get("pid").asLong());
                    most = Math.max(most, answer.get("mostAtOnce").asInt());
                }
                assertEquals(8, ids.size(), "each invocation its own request id");
                assertEquals(1, pids.size(), "one instance");
                assertTrue(most > 1 && most <= 4, "invocations at once on the instance: " + most);
                assertEquals(1, fn.instancesStarted());
            } finally {
                callers.shutdownNow();
            }
        }
    }
}
