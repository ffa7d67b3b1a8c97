package io.github.serverlesspatterns.fanout;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invoker against the kit's Lambda Invoke endpoint (the real LambdaClient). */
@ExtendWith(LocalServicesExtension.class)
class LambdaInvokerTest {

    private final Invocation invocation = Invocation.builder().requestId("caller-1").build();

    @Test
    void call_returnsTheTypedResponse_alsoThroughAQualifier(LambdaService lambda) {
        lambda.register(io.github.serverlesspatterns.testing.FunctionConfig.builder("inv-echo",
                LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> "echo:" + in)).alias("live").build());
        LambdaInvoker<String, String> invoker = LambdaInvoker.of(lambda.client(), "inv-echo", Codecs.jsonString(), Codecs.jsonString());
        assertEquals("echo:hi", invoker.call("hi", invocation));
        assertEquals("echo:v2", invoker.withQualifier("live").call("v2", invocation));
    }

    @Test
    void functionError_becomesARemoteFunctionException_withTheRemoteTypeAndMessage(LambdaService lambda) {
        lambda.register("inv-fail", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            throw new IllegalStateException("stock service said \"no\"");
        }));
        RemoteFunctionException e = assertThrows(RemoteFunctionException.class,
                () -> LambdaInvoker.of(lambda.client(), "inv-fail", Codecs.jsonString(), Codecs.jsonString()).call("x", invocation));
        assertEquals("inv-fail", e.function());
        assertEquals("java.lang.IllegalStateException", e.errorType());
        assertEquals("stock service said \"no\"", e.errorMessage());
    }

    @Test
    void oversizePayload_isRejectedBeforeSending(LambdaService lambda) {
        lambda.register("inv-big", (payload, ctx) -> payload);
        LambdaInvoker<String, String> invoker = LambdaInvoker.of(lambda.client(), "inv-big", Codecs.jsonString(), Codecs.jsonString())
                .withLimits(1000, 100);
        PayloadTooLargeException sync = assertThrows(PayloadTooLargeException.class, () -> invoker.call("x".repeat(999), invocation));
        assertTrue(sync.getMessage().contains("1001 bytes encoded, over the 1000 byte synchronous limit"), sync.getMessage());
        assertThrows(PayloadTooLargeException.class, () -> invoker.send("x".repeat(99), invocation));
        assertEquals(0, lambda.stats("inv-big").invocations(), "nothing was sent");
        assertThrows(PayloadTooLargeException.class, () -> LambdaInvoker.of(lambda.client(), "inv-big", Codecs.jsonString(), Codecs.jsonString())
                .send("x".repeat(LambdaInvoker.DEFAULT_ASYNC_LIMIT + 1), invocation));
    }

    @Test
    void send_handsTheEventOver_andTheCalleeRunsLater(LambdaService lambda) {
        Set<String> got = ConcurrentHashMap.newKeySet();
        lambda.register("inv-handoff", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            got.add(in);
            return null;
        }));
        LambdaInvoker.of(lambda.client(), "inv-handoff", Codecs.jsonString(), Codecs.jsonString()).send("order-7", invocation);
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(Set.of("order-7"), got);
    }

    @Test
    void rawTextPayload_isRefusedByInvoke_asOnAws(LambdaService lambda) {
        lambda.register("inv-strict", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> in));
        var e = assertThrows(software.amazon.awssdk.services.lambda.model.InvalidRequestContentException.class,
                () -> LambdaInvoker.of(lambda.client(), "inv-strict", Codecs.utf8(), Codecs.utf8()).call("c-1", invocation));
        assertEquals(400, e.statusCode());
        assertEquals(0, lambda.stats("inv-strict").invocations());
    }

    @Test
    void prime_isADryRun_thatRunsNothing_andNamesAMissingFunction(LambdaService lambda) {
        lambda.register("inv-prime", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> "ran:" + in));
        LambdaInvoker.of(lambda.client(), "inv-prime", Codecs.jsonString(), Codecs.jsonString()).prime();
        assertEquals(0, lambda.stats("inv-prime").invocations(), "priming ran the function");
        io.github.serverlesspatterns.core.PatternsException e = assertThrows(io.github.serverlesspatterns.core.PatternsException.class,
                () -> LambdaInvoker.of(lambda.client(), "inv-nowhere", Codecs.jsonString(), Codecs.jsonString()).prime());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("inv-nowhere"), e.getMessage());
    }

    @Test
    void call_isBoundedByTheCallersOwnDeadline_withTheCallersOwnError(LambdaService lambda) {
        lambda.register(io.github.serverlesspatterns.testing.FunctionConfig.builder("inv-slow",
                LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "late";
                })).timeout(Duration.ofSeconds(30)).build());
        // 2.5 s: time enough to send on a loaded machine (the count below wants the call sent), short of the 5 s the callee takes
        Invocation shortCaller = Invocation.builder().requestId("caller-short").timeout(Duration.ofMillis(2_500)).build();
        io.github.serverlesspatterns.core.DeadlineExceededException e = assertThrows(
                io.github.serverlesspatterns.core.DeadlineExceededException.class,
                () -> LambdaInvoker.of(lambda.client(), "inv-slow", Codecs.jsonString(), Codecs.jsonString()).call("x", shortCaller));
        assertEquals("caller-short", e.requestId());
        assertTrue(e.getMessage().contains("call to function 'inv-slow'"), e.getMessage());
        Invocation spent = Invocation.builder().requestId("caller-spent").deadline(java.time.Instant.now().minusSeconds(1)).build();
        assertThrows(io.github.serverlesspatterns.core.DeadlineExceededException.class,
                () -> LambdaInvoker.of(lambda.client(), "inv-slow", Codecs.jsonString(), Codecs.jsonString()).call("y", spent));
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(1, lambda.stats("inv-slow").invocations(), "a caller with no time left sends nothing");
    }

    @Test
    void theCallerRequestId_reachesTheCallee_asItsCorrelationId(LambdaService lambda) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        lambda.register("inv-correlated", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            seen.add(Invocation.fromContext(ctx).correlationId().orElse("none"));
            return "ok";
        }));
        LambdaInvoker.of(lambda.client(), "inv-correlated", Codecs.jsonString(), Codecs.jsonString()).call("x", invocation);
        assertEquals(Set.of("caller-1"), seen);
    }

    @Test
    void anyRequestId_makesAValidClientContext_andOneTooLongForLambdaIsLeftOut_notSentToBeRefused(LambdaService lambda) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        lambda.register("inv-odd-ids", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            seen.add(Invocation.fromContext(ctx).correlationId().orElse("none"));
            return "ok";
        }));
        LambdaInvoker<String, String> invoker = LambdaInvoker.of(lambda.client(), "inv-odd-ids", Codecs.jsonString(), Codecs.jsonString());
        String odd = "a\\b\"c\n";   // a backslash, a quote and a newline: concatenated into JSON they broke the context
        assertEquals("ok", invoker.call("x", Invocation.builder().requestId(odd).build()));
        String tooLong = "r".repeat(3_000); // 3,000 characters make a 4,040-byte context in base64, over Lambda's 3,583
        assertEquals("ok", invoker.call("y", Invocation.builder().requestId(tooLong).build()), "the call goes through without it");
        assertEquals(Set.of(odd, "none"), seen);
    }

    /** The callee, as the runtime hosts {@code class Shipping implements RequestHandler<Correlated<String>, String>}. */
    private static final java.lang.reflect.Type CORRELATED_STRING =
            new com.fasterxml.jackson.core.type.TypeReference<io.github.serverlesspatterns.core.Correlated<String>>() { }.getType();

    @Test
    void anEventInvoke_dropsTheClientContext_soTheCorrelationIdTravelsInTheCorrelatedEnvelope(LambdaService lambda) {
        Set<String> plain = ConcurrentHashMap.newKeySet();
        lambda.register("inv-plain-event", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            plain.add(Invocation.fromContext(ctx).correlationId().orElse("none"));
            return "ok";
        }));
        LambdaInvoker.of(lambda.client(), "inv-plain-event", Codecs.jsonString(), Codecs.jsonString()).send("x", invocation);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        io.github.serverlesspatterns.core.Handler<String, String> shipping = (order, inv) -> {
            seen.add(order + "@" + inv.correlationId().orElse("none"));
            return "shipped";
        };
        lambda.register("inv-correlated-event", LocalFunction.of(CORRELATED_STRING, String.class,
                io.github.serverlesspatterns.core.LambdaAdapters.toRequestHandler(io.github.serverlesspatterns.core.Correlated.unwrap(shipping))));
        var codec = io.github.serverlesspatterns.core.jackson.JacksonCodec.of(new com.fasterxml.jackson.databind.ObjectMapper(),
                new com.fasterxml.jackson.core.type.TypeReference<io.github.serverlesspatterns.core.Correlated<String>>() { });
        LambdaInvoker<io.github.serverlesspatterns.core.Correlated<String>, String> handoff =
                LambdaInvoker.of(lambda.client(), "inv-correlated-event", codec, Codecs.jsonString());
        handoff.send(io.github.serverlesspatterns.core.Correlated.of("order-7", invocation), invocation);
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(Set.of("none"), plain, "Lambda drops the client context of an Event invoke");
        assertEquals(Set.of("order-7@caller-1"), seen, "the envelope carries it, read through Invocation.correlationId()");
        assertEquals("shipped", handoff.call(io.github.serverlesspatterns.core.Correlated.of("order-8", invocation), invocation));
        assertTrue(seen.contains("order-8@caller-1"), "the same on a synchronous call: " + seen);
    }

    @Test
    void inProcessEvents_keepTheCallersRequestIdAsCorrelation_andGetTheirOwnRequestId() throws Exception {
        java.util.concurrent.CompletableFuture<Invocation> callee = new java.util.concurrent.CompletableFuture<>();
        InProcessInvoker<String, String> invoker = InProcessInvoker.of("worker", (in, inv) -> {
            callee.complete(inv);
            return null;
        }, Runnable::run);
        invoker.send("x", invocation);
        Invocation got = callee.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("caller-1", got.correlationId().orElseThrow());
        assertEquals("worker", got.functionName());
        assertTrue(!got.requestId().equals("caller-1"), "an event gets a request id of its own, as on Lambda");
    }

    @Test
    void remoteErrorMessages_arriveUnescaped_andALongOneNeverOverflowsTheStack(LambdaService lambda) {
        String longMessage = "line one\nline \"two\" \\ " + "x\\\"".repeat(20_000);
        lambda.register("inv-long-error", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            throw new IllegalStateException(in.equals("short") ? "line one\nline \"two\"" : longMessage);
        }));
        LambdaInvoker<String, String> invoker = LambdaInvoker.of(lambda.client(), "inv-long-error", Codecs.jsonString(), Codecs.jsonString());
        RemoteFunctionException shortOne = assertThrows(RemoteFunctionException.class, () -> invoker.call("short", invocation));
        assertEquals("line one\nline \"two\"", shortOne.errorMessage());
        RemoteFunctionException longOne = assertThrows(RemoteFunctionException.class, () -> invoker.call("long", invocation));
        assertEquals(longMessage, longOne.errorMessage());
        assertEquals("java.lang.IllegalStateException", longOne.errorType());
    }
}
