package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
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
        return LocalFunction.fromRequestHandler(Codecs.utf8(), Codecs.utf8(), (in, ctx) -> in.toUpperCase() + "@" + ctx.getFunctionName());
    }

    @Test
    void requestResponse_returnsTheFunctionResult(LambdaService lambda) {
        lambda.register("kit-upper", upperCase());
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-upper")
                .payload(SdkBytes.fromUtf8String("hello")));
        assertEquals(200, response.statusCode());
        assertNull(response.functionError());
        assertEquals("HELLO@kit-upper", response.payload().asUtf8String());
    }

    @Test
    void functionNameAsArnOrWithQualifier_reachesTheFunction(LambdaService lambda) {
        lambda.register("kit-arn", upperCase());
        LambdaClient client = lambda.client();
        assertEquals("A@kit-arn", client.invoke(b -> b.functionName("arn:aws:lambda:us-east-1:000000000000:function:kit-arn:live")
                .payload(SdkBytes.fromUtf8String("a"))).payload().asUtf8String());
        assertEquals("B@kit-arn", client.invoke(b -> b.functionName("kit-arn").qualifier("3")
                .payload(SdkBytes.fromUtf8String("b"))).payload().asUtf8String());
    }

    @Test
    void functionException_answersUnhandledWithTheErrorJson(LambdaService lambda) throws IOException {
        lambda.register("kit-fail", LocalFunction.fromRequestHandler(Codecs.utf8(), Codecs.utf8(), (in, ctx) -> {
            throw new IllegalStateException("no stock for " + in);
        }));
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-fail").payload(SdkBytes.fromUtf8String("sku-1")));
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
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-slow").payload(SdkBytes.fromUtf8String("x")));
        assertEquals("Unhandled", response.functionError());
        assertTrue(response.payload().asUtf8String().contains("Task timed out after 0.20 seconds"), response.payload().asUtf8String());
        assertEquals(1, lambda.stats("kit-slow").timeouts());
    }

    @Test
    void event_isAcceptedAtOnce_andRunsInTheBackground(LambdaService lambda) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        lambda.register("kit-event", LocalFunction.fromRequestHandler(Codecs.utf8(), Codecs.utf8(), (in, ctx) -> {
            seen.add(in);
            return null;
        }));
        InvokeResponse response = lambda.client().invoke(b -> b.functionName("kit-event")
                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("e1")));
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
        lambda.register(FunctionConfig.builder("kit-retry", LocalFunction.fromRequestHandler(Codecs.utf8(), Codecs.utf8(), (in, ctx) -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("cannot handle " + in);
        })).retryDelay(Duration.ofMillis(10)).onFailure(sqs.client(), destination).deadLetterQueue(sqs.client(), dlq).build());

        lambda.client().invoke(b -> b.functionName("kit-retry").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"order\":7}")));
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(10)));

        assertEquals(3, attempts.get(), "first try plus 2 retries");
        List<Message> records = sqs.client().receiveMessage(b -> b.queueUrl(destination).waitTimeSeconds(2)).messages();
        assertEquals(1, records.size());
        JsonNode record = JSON.readTree(records.get(0).body());
        assertEquals("RetriesExhausted", record.at("/requestContext/condition").asText());
        assertEquals(3, record.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals(7, record.at("/requestPayload/order").asInt());
        assertEquals("cannot handle {\"order\":7}", record.at("/responsePayload/errorMessage").asText());

        List<Message> dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2)
                .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertEquals(1, dead.size());
        assertEquals("{\"order\":7}", dead.get(0).body());
        assertEquals("cannot handle {\"order\":7}", dead.get(0).messageAttributes().get("ErrorMessage").stringValue());
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
}
