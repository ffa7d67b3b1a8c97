package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A function hosted by {@link LambdaService}: payload bytes and a Lambda context in, response
 * bytes out. The factories put a handler behind the managed Java runtime's own serialization
 * ({@code aws-lambda-java-serialization}), so a handler sees exactly what it would see on Lambda:
 * an event that does not fit its declared input type fails with the runtime's
 * {@code An error occurred during JSON parsing}, as it would on AWS. For full fidelity (the real
 * runtime client, init phase, a process per instance) use {@link LambdaProcess}.
 */
@FunctionalInterface
public interface LocalFunction {

    /**
     * Runs the function once.
     *
     * @param payload the request payload (JSON: {@link LambdaService} refuses anything else)
     * @param context the Lambda context of this invocation
     * @return the response payload
     * @throws Exception anything the function throws becomes a function error
     */
    byte[] invoke(byte[] payload, Context context) throws Exception;

    /**
     * Hosts a handler as the managed Java runtime hosts the class: the input and output types are
     * the ones its {@code handleRequest} method declares. A lambda or another handler whose
     * types are erased gets {@code Object} (JSON objects become {@code Map}s, as on Lambda); give
     * the types with {@link #of(Type, Type, RequestHandler)} instead.
     *
     * @param handler the request handler
     * @return the function
     */
    static LocalFunction of(RequestHandler<?, ?> handler) {
        Objects.requireNonNull(handler, "handler");
        Type[] types = RuntimeSerialization.declaredTypes(handler, "handleRequest");
        return RuntimeSerialization.function(types[0], types[1], handler);
    }

    /**
     * Hosts a handler as the runtime would host a class that declares these types, e.g. a
     * test's lambda standing in for {@code class Worker implements RequestHandler<Task<Integer>, String>}.
     *
     * @param inputType  the declared input type (a {@code java.lang.reflect.Type}: a class or a parameterized type)
     * @param outputType the declared output type; {@code void.class} answers {@code null}
     * @param handler    the request handler
     * @return the function
     */
    static LocalFunction of(Type inputType, Type outputType, RequestHandler<?, ?> handler) {
        return RuntimeSerialization.function(inputType, outputType, handler);
    }

    /**
     * Hosts a stream handler: it reads the raw payload and writes the raw response, as on Lambda.
     *
     * @param handler the stream handler
     * @return the function
     */
    static LocalFunction of(RequestStreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return (payload, context) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            handler.handleRequest(new ByteArrayInputStream(payload), out, context);
            return out.toByteArray();
        };
    }
}
