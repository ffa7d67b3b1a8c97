package io.github.serverlesspatterns.core;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LambdaAdaptersTest {

    /** An existing Lambda, as users have them. */
    static final class GreetingHandler implements RequestHandler<Map<String, String>, String> {
        final List<String> seenRequestIds = new ArrayList<>();

        @Override
        public String handleRequest(Map<String, String> input, Context context) {
            seenRequestIds.add(context.getAwsRequestId());
            if (input.containsKey("fail")) {
                throw new IllegalStateException("asked to fail");
            }
            return "hello " + input.get("name") + " from " + context.getFunctionName();
        }
    }

    private static Context context(String requestId) {
        Context context = Mockito.mock(Context.class);
        Mockito.when(context.getAwsRequestId()).thenReturn(requestId);
        Mockito.when(context.getFunctionName()).thenReturn("greeter");
        Mockito.when(context.getRemainingTimeInMillis()).thenReturn(5000);
        return context;
    }

    @Test
    void existingRequestHandler_wrappedBothWays_behavesTheSame() {
        GreetingHandler original = new GreetingHandler();
        RequestHandler<Map<String, String>, String> wrapped =
                LambdaAdapters.toRequestHandler(LambdaAdapters.fromRequestHandler(original));

        Context ctx = context("r-1");
        assertEquals(original.handleRequest(Map.of("name", "ann"), ctx), wrapped.handleRequest(Map.of("name", "ann"), ctx));
        assertEquals(List.of("r-1", "r-1"), original.seenRequestIds);
    }

    @Test
    void existingRequestHandler_receivesTheOriginalContext() {
        AtomicReference<Context> seen = new AtomicReference<>();
        RequestHandler<String, String> original = (in, ctx) -> {
            seen.set(ctx);
            return in;
        };
        Context ctx = context("r-2");
        LambdaAdapters.toRequestHandler(LambdaAdapters.fromRequestHandler(original)).handleRequest("x", ctx);
        assertSame(ctx, seen.get());
    }

    @Test
    void existingRequestHandler_exceptionsPassThroughUnwrapped() {
        RequestHandler<Map<String, String>, String> wrapped =
                LambdaAdapters.toRequestHandler(LambdaAdapters.fromRequestHandler(new GreetingHandler()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> wrapped.handleRequest(Map.of("fail", "yes"), context("r-3")));
        assertEquals("asked to fail", e.getMessage());
    }

    @Test
    void decoratedExistingHandler_runsDecoratorsAroundIt() {
        List<String> trace = new ArrayList<>();
        Decorator<Map<String, String>, String> audit = next -> (in, inv) -> {
            trace.add("before " + inv.requestId());
            return next.handle(in, inv).toUpperCase();
        };
        RequestHandler<Map<String, String>, String> wrapped = LambdaAdapters.toRequestHandler(
                Decorators.decorate(LambdaAdapters.fromRequestHandler(new GreetingHandler()), audit));
        assertEquals("HELLO BOB FROM GREETER", wrapped.handleRequest(Map.of("name", "bob"), context("r-4")));
        assertEquals(List.of("before r-4"), trace);
    }

    @Test
    void handlerCalledWithoutLambdaContext_getsAContextMadeFromTheInvocation() {
        AtomicReference<Context> seen = new AtomicReference<>();
        Handler<String, String> handler = LambdaAdapters.fromRequestHandler((in, ctx) -> {
            seen.set(ctx);
            return in;
        });
        Invocation invocation = Invocation.builder().requestId("local-1").functionName("fn")
                .timeout(Duration.ofSeconds(30)).build();
        handler.handle("x", invocation);
        assertEquals("local-1", seen.get().getAwsRequestId());
        assertEquals("fn", seen.get().getFunctionName());
        int remaining = seen.get().getRemainingTimeInMillis();
        assertTrue(remaining > 25_000 && remaining <= 30_000, "remaining " + remaining);
    }
}
