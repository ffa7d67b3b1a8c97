package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class LambdaServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalFunction upperCase() {
        return LocalFunction.of(String.class, String.class,
                (RequestHandler<String, String>) (in, ctx) -> in.toUpperCase() + "@" + ctx.getFunctionName());
    }

    @Test
    void requestResponse_returnsTheFunctionResult(LambdaService lambda) {
        lambda.register("kit-upper", upperCase());
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-upper")
                .payload(SdkBytes.fromUtf8String("\"hello\"")));
        assertEquals(200, response.statusCode());
        assertNull(response.functionError());
        assertEquals("\"HELLO@kit-upper\"", response.payload().asUtf8String());
    }

    @Test
    void functionNameAsArnOrWithQualifier_reachesTheFunction(LambdaService lambda) {
        lambda.register(FunctionConfig.builder("kit-arn", upperCase()).alias("live").build());
        LambdaClient client = lambda.client();
        assertEquals("\"A@kit-arn\"", client.invoke(b -> b.functionName("arn:aws:lambda:us-east-1:000000000000:function:kit-arn:live")
                .payload(SdkBytes.fromUtf8String("\"a\""))).payload().asUtf8String());
        assertEquals("\"B@kit-arn\"", client.invoke(b -> b.functionName("kit-arn").qualifier("3")
                .payload(SdkBytes.fromUtf8String("\"b\""))).payload().asUtf8String());
        assertEquals("\"C@kit-arn\"", client.invoke(b -> b.functionName("kit-arn:$LATEST")
                .payload(SdkBytes.fromUtf8String("\"c\""))).payload().asUtf8String());
    }

    @Test
    void aQualifierInTheNameAndAnotherAsParameter_isRefusedAsLambdaRefusesIt_andRunsNothing(LambdaService lambda) {
        lambda.register(FunctionConfig.builder("kit-two-qualifiers", upperCase()).alias("live").alias("blue").build());
        var e = assertThrows(software.amazon.awssdk.services.lambda.model.InvalidParameterValueException.class, () -> lambda.client()
                .invoke(b -> b.functionName("kit-two-qualifiers:live").qualifier("blue").payload(SdkBytes.fromUtf8String("\"a\""))));
        assertTrue(e.getMessage().contains("does not match the specified qualifier"), e.getMessage());
        assertEquals(0, lambda.stats("kit-two-qualifiers").invocations());
        assertEquals("\"A@kit-two-qualifiers\"", lambda.client().invoke(b -> b.functionName("kit-two-qualifiers:live").qualifier("live")
                .payload(SdkBytes.fromUtf8String("\"a\""))).payload().asUtf8String(), "the same qualifier twice is accepted");
    }

    @Test
    void aClientContextOverLambdasLimitOfBase64_isRefused_andRunsNothing(LambdaService lambda) {
        lambda.register("kit-context", upperCase());
        // 2,693 bytes of JSON are 3,592 bytes of base64: over the 3,583 Lambda takes
        String context = java.util.Base64.getEncoder().encodeToString(("{\"custom\":{\"correlationId\":\"" + "c".repeat(2_662) + "\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(3_592, context.length());
        var e = assertThrows(software.amazon.awssdk.services.lambda.model.LambdaException.class, () -> lambda.client()
                .invoke(b -> b.functionName("kit-context").clientContext(context).payload(SdkBytes.fromUtf8String("\"a\""))));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("3592 bytes of base64"), e.getMessage());
        assertEquals(0, lambda.stats("kit-context").invocations());
    }

    @Test
    void unknownAlias_isResourceNotFound_andRunsNothing(LambdaService lambda) {
        lambda.register(FunctionConfig.builder("kit-alias", upperCase()).alias("live").build());
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> lambda.client()
                .invoke(b -> b.functionName("kit-alias:staging").payload(SdkBytes.fromUtf8String("\"a\""))));
        assertTrue(e.getMessage().contains("kit-alias:staging"), e.getMessage());
        assertEquals(0, lambda.stats("kit-alias").invocations());
    }

    @Test
    void nonJsonPayload_isInvalidRequestContent_andRunsNothing(LambdaService lambda) {
        lambda.register("kit-strict", upperCase());
        for (String payload : List.of("c-1", "{broken", "{} {}")) {
            for (InvocationType type : List.of(InvocationType.REQUEST_RESPONSE, InvocationType.EVENT)) {
                InvalidRequestContentException e = assertThrows(InvalidRequestContentException.class, () -> lambda.client()
                        .invoke(b -> b.functionName("kit-strict").invocationType(type).payload(SdkBytes.fromUtf8String(payload))));
                assertEquals(400, e.statusCode());
                assertTrue(e.getMessage().contains("Could not parse request body into json"), e.getMessage());
            }
        }
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(5)));
        assertEquals(0, lambda.stats("kit-strict").invocations());
        assertEquals(6, lambda.stats("kit-strict").rejected());
    }

    @Test
    void emptyPayload_reachesTheFunctionAsAnEmptyObject(LambdaService lambda) {
        lambda.register("kit-empty", LocalFunction.of((RequestHandler<Map<String, Object>, Integer>) (in, ctx) -> in.size()));
        assertEquals("0", lambda.client().invoke(b -> b.functionName("kit-empty")).payload().asUtf8String());
    }

    @Test
    void eventOfTheWrongShapeForTheDeclaredType_failsAsTheRuntimeFailsIt(LambdaService lambda) throws IOException {
        lambda.register("kit-typed", LocalFunction.of(new StringMapHandler()));
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-typed")
                .payload(SdkBytes.fromUtf8String("{\"customerId\":\"c-1\",\"headers\":{\"a\":\"b\"}}")));
        assertEquals("Unhandled", response.functionError());
        JsonNode error = JSON.readTree(response.payload().asByteArray());
        assertEquals("An error occurred during JSON parsing", error.get("errorMessage").asText());
        assertEquals("{\"size\":\"1\"}", lambda.client().invoke(b -> b.functionName("kit-typed")
                .payload(SdkBytes.fromUtf8String("{\"customerId\":\"c-1\"}"))).payload().asUtf8String());
    }

    @Test
    void responseOverSixMegabytes_isAFunctionError(LambdaService lambda) throws IOException {
        lambda.register("kit-huge", (payload, ctx) -> ("\"" + "x".repeat(LambdaService.RESPONSE_LIMIT) + "\"").getBytes());
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-huge").payload(SdkBytes.fromUtf8String("{}")));
        assertEquals("Unhandled", response.functionError());
        assertEquals("Function.ResponseSizeTooLarge", JSON.readTree(response.payload().asByteArray()).get("errorType").asText());
    }

    /** A handler declared as many users write one; the runtime deserializes into {@code Map<String, String>}. */
    public static final class StringMapHandler implements RequestHandler<Map<String, String>, Map<String, String>> {
        @Override
        public Map<String, String> handleRequest(Map<String, String> input, com.amazonaws.services.lambda.runtime.Context context) {
            return Map.of("size", String.valueOf(input.size()));
        }
    }

    @Test
    void functionException_answersUnhandledWithTheErrorJson(LambdaService lambda) throws IOException {
        lambda.register("kit-fail", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            throw new IllegalStateException("no stock for " + in);
        }));
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-fail").payload(SdkBytes.fromUtf8String("\"sku-1\"")));
        assertEquals(200, response.statusCode());
        assertEquals("Unhandled", response.functionError());
        JsonNode error = JSON.readTree(response.payload().asByteArray());
        assertEquals("no stock for sku-1", error.get("errorMessage").asText());
        assertEquals("java.lang.IllegalStateException", error.get("errorType").asText());
        assertTrue(error.get("stackTrace").isArray());
    }

    @Test
    void functionPastItsTimeout_answersATimeoutError(LambdaService lambda) {
        lambda.register(FunctionConfig.builder("kit-slow", (payload, ctx) -> {
            Thread.sleep(5_000);
            return payload;
        }).timeout(Duration.ofMillis(200)).build());
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-slow").payload(SdkBytes.fromUtf8String("\"x\"")));
        assertEquals("Unhandled", response.functionError());
        assertTrue(response.payload().asUtf8String().contains("Task timed out after 0.20 seconds"), response.payload().asUtf8String());
        assertEquals(1, lambda.stats("kit-slow").timeouts());
    }

    @Test
    void event_isAcceptedAtOnce_andRunsInTheBackground(LambdaService lambda) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        lambda.register("kit-event", LocalFunction.of(String.class, void.class, (RequestHandler<String, Void>) (in, ctx) -> {
            seen.add(in);
            return null;
        }));
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-event")
                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("\"e1\"")));
        assertEquals(202, response.statusCode());
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(Set.of("e1"), seen);
        assertEquals(1, lambda.stats("kit-event").eventsSucceeded());
    }

    @Test
    void failingEvent_isRetriedTwice_thenSentToTheOnFailureDestinationAndDlq(LambdaService lambda, SqsService sqs) throws IOException {
        String destination = sqs.createQueue("kit-on-failure");
        String dlq = sqs.createQueue("kit-function-dlq");
        AtomicInteger attempts = new AtomicInteger();
        lambda.register(FunctionConfig.builder("kit-retry", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("cannot handle " + in);
        })).retryDelay(Duration.ofMillis(10)).onFailure(sqs.client(), destination).deadLetterQueue(sqs.client(), dlq).build());

        lambda.client().invoke(b -> b.functionName("kit-retry").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("\"{order:7}\"")));
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(10)));

        assertEquals(3, attempts.get(), "first try plus 2 retries");
        List<Message> records = sqs.client().receiveMessage(b -> b.queueUrl(destination).waitTimeSeconds(2)).messages();
        assertEquals(1, records.size());
        JsonNode record = JSON.readTree(records.get(0).body());
        assertEquals("RetriesExhausted", record.at("/requestContext/condition").asText());
        assertEquals(3, record.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals("{order:7}", record.at("/requestPayload").asText());
        assertEquals("cannot handle {order:7}", record.at("/responsePayload/errorMessage").asText());

        List<Message> dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertEquals(1, dead.size());
        assertEquals("\"{order:7}\"", dead.get(0).body());
        assertEquals("cannot handle {order:7}", dead.get(0).messageAttributes().get("ErrorMessage").stringValue());
    }

    @Test
    void eventsBeyondReservedConcurrency_waitTheirTurn(LambdaService lambda) {
        lambda.register(FunctionConfig.builder("kit-serial", (payload, ctx) -> {
            Thread.sleep(20);
            return payload;
        }).reservedConcurrency(1).build());
        for (int i = 0; i < 10; i++) {
            lambda.client().invoke(b -> b.functionName("kit-serial").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{}")));
        }
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(20)));
        assertEquals(10, lambda.stats("kit-serial").eventsSucceeded());
        assertEquals(1, lambda.stats("kit-serial").maxConcurrency());
    }

    @Test
    void dryRun_answers204_withoutRunningTheFunction(LambdaService lambda) {
        AtomicInteger runs = new AtomicInteger();
        lambda.register("kit-dry", (payload, ctx) -> {
            runs.incrementAndGet();
            return payload;
        });
        assertEquals(204, lambda.client().invoke(b -> b.functionName("kit-dry").invocationType(InvocationType.DRY_RUN)).statusCode());
        assertEquals(0, runs.get());
    }

    @Test
    void unknownFunction_isResourceNotFound(LambdaService lambda) {
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> lambda.client().invoke(b -> b.functionName("kit-missing").payload(SdkBytes.fromUtf8String("{}"))));
        assertTrue(e.getMessage().contains("Function not found"), e.getMessage());
    }

    @Test
    void oversizeEventPayload_isRejectedBeforeRunning(LambdaService lambda) {
        lambda.register("kit-big", (payload, ctx) -> payload);
        byte[] big = new byte[LambdaService.ASYNC_PAYLOAD_LIMIT + 1];
        RequestTooLargeException e = assertThrows(RequestTooLargeException.class, () -> lambda.client().invoke(b -> b
                .functionName("kit-big").invocationType(InvocationType.EVENT).payload(SdkBytes.fromByteArray(big))));
        assertTrue(e.getMessage().contains("smaller than"), e.getMessage());
        assertEquals(0, lambda.stats("kit-big").invocations());
    }

    @Test
    void anEventOlderThanItsMaximumAge_isNotRetried_butSentToTheDestinationAsEventAgeExceeded(LambdaService lambda, SqsService sqs)
            throws IOException {
        String destination = sqs.createQueue("kit-too-old");
        AtomicInteger attempts = new AtomicInteger();
        lambda.register(FunctionConfig.builder("kit-old", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down");
        })).retryDelay(Duration.ofMillis(300)).maximumEventAge(Duration.ofMillis(150)).onFailure(sqs.client(), destination).build());
        lambda.client().invoke(b -> b.functionName("kit-old").invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("\"e\"")));
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, attempts.get(), "the retry 300 ms later would find the event older than 150 ms");
        JsonNode record = JSON.readTree(sqs.client().receiveMessage(b -> b.queueUrl(destination).waitTimeSeconds(2)).messages().get(0).body());
        assertEquals("EventAgeExceeded", record.at("/requestContext/condition").asText());
        assertEquals(1, record.at("/requestContext/approximateInvokeCount").asInt());
    }
}
