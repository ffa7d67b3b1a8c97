package io.github.serverlesspatterns.core;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Adapters both ways between a {@link Handler} and an AWS Lambda {@link RequestHandler}, so that
 * an existing Lambda adopts a pattern in its constructor:
 *
 * <pre>{@code
 * public final class OrderFunction implements RequestHandler<Order, Receipt> {
 *     private final RequestHandler<Order, Receipt> decorated = LambdaAdapters.toRequestHandler(
 *             Decorators.decorate(LambdaAdapters.fromRequestHandler(new LegacyOrderHandler()),
 *                     idempotency, circuitBreaker));
 *
 *     public Receipt handleRequest(Order order, Context context) {
 *         return decorated.handleRequest(order, context);
 *     }
 * }
 * }</pre>
 *
 * The class the Lambda runtime loads keeps its concrete generic types, so the runtime's
 * serialization of the event and the result is unchanged. This class is stateless and
 * thread-safe.
 */
public final class LambdaAdapters {

    private LambdaAdapters() {
    }

    /**
     * A {@link RequestHandler} that builds an {@link Invocation} from the Lambda context (system
     * UTC clock) and calls {@code handler}.
     *
     * @param handler the handler
     * @param <I>     input type
     * @param <O>     output type
     * @return the request handler
     */
    public static <I, O> RequestHandler<I, O> toRequestHandler(Handler<I, O> handler) {
        return toRequestHandler(handler, Clock.systemUTC());
    }

    /**
     * A {@link RequestHandler} that builds an {@link Invocation} from the Lambda context with the
     * given clock and calls {@code handler}. Exceptions pass through unchanged.
     *
     * @param handler the handler
     * @param clock   the clock for the invocation's remaining time
     * @param <I>     input type
     * @param <O>     output type
     * @return the request handler
     */
    public static <I, O> RequestHandler<I, O> toRequestHandler(Handler<I, O> handler, Clock clock) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(clock, "clock");
        return (input, context) -> handler.handle(input, Invocation.fromContext(context, clock));
    }

    /**
     * A {@link Handler} that calls an existing {@link RequestHandler}. It passes the invocation's
     * original Lambda context when there is one, and otherwise a context made from the invocation
     * ({@link #contextOf(Invocation)}). Exceptions pass through unchanged.
     *
     * @param requestHandler the existing request handler
     * @param <I>            input type
     * @param <O>            output type
     * @return the handler
     */
    public static <I, O> Handler<I, O> fromRequestHandler(RequestHandler<I, O> requestHandler) {
        Objects.requireNonNull(requestHandler, "requestHandler");
        return (input, invocation) -> requestHandler.handleRequest(input,
                invocation.lambdaContext().orElseGet(() -> contextOf(invocation)));
    }

    /**
     * A Lambda {@link Context} for an invocation: its own context if it was built from one;
     * otherwise a context whose request id, function name and remaining time come from the
     * invocation, whose logger writes to standard output, whose client context carries the
     * invocation's correlation id (as {@code custom.correlationId}, when it has one), and whose other
     * fields are {@code null} (identity) or fixed ({@code $LATEST}, 128 MB).
     *
     * @param invocation the invocation
     * @return the context
     */
    public static Context contextOf(Invocation invocation) {
        Objects.requireNonNull(invocation, "invocation");
        return invocation.lambdaContext().orElseGet(() -> new InvocationContext(invocation));
    }

    private static final class InvocationContext implements Context {
        private static final LambdaLogger STDOUT = new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };

        private final Invocation invocation;

        InvocationContext(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public String getAwsRequestId() {
            return invocation.requestId();
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + invocation.functionName();
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return invocation.functionName();
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:" + invocation.functionName();
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return invocation.correlationId().map(CorrelationContext::new).orElse(null);
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.min(Integer.MAX_VALUE, invocation.remainingTime().toMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            return 128;
        }

        @Override
        public LambdaLogger getLogger() {
            return STDOUT;
        }

        @Override
        public String toString() {
            return "InvocationContext{" + invocation + '}';
        }
    }

    /** A client context with only {@code custom.correlationId}, as {@code LambdaInvoker} sends it. */
    private static final class CorrelationContext implements ClientContext {
        private final Map<String, String> custom;

        CorrelationContext(String correlationId) {
            this.custom = Map.of(Invocation.CORRELATION_ID, correlationId);
        }

        @Override
        public Client getClient() {
            return null;
        }

        @Override
        public Map<String, String> getCustom() {
            return custom;
        }

        @Override
        public Map<String, String> getEnvironment() {
            return Map.of();
        }
    }
}
