package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A function hosted by {@link LambdaService}: payload bytes and a Lambda context in, response
 * bytes out. The factories adapt the handler types users have; a {@code null} result is
 * answered as the JSON {@code null}, as Lambda does.
 */
@FunctionalInterface
public interface LocalFunction {

    /**
     * Runs the function once.
     *
     * @param payload the request payload
     * @param context the Lambda context of this invocation
     * @return the response payload
     * @throws Exception anything the function throws becomes a function error
     */
    byte[] invoke(byte[] payload, Context context) throws Exception;

    /**
     * Hosts an AWS {@link RequestHandler}, decoding and encoding with the given codecs (the
     * stand-in for the Lambda runtime's serialization).
     *
     * @param input   input codec
     * @param output  output codec
     * @param handler the request handler
     * @param <I>     input type
     * @param <O>     output type
     * @return the function
     */
    static <I, O> LocalFunction fromRequestHandler(Codec<I> input, Codec<O> output, RequestHandler<I, O> handler) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(handler, "handler");
        return (payload, context) -> {
            O result = handler.handleRequest(input.decode(payload), context);
            return result == null ? "null".getBytes(StandardCharsets.UTF_8) : output.encode(result);
        };
    }

    /**
     * Hosts a library {@link Handler}; its {@link Invocation} is built from the context.
     *
     * @param input   input codec
     * @param output  output codec
     * @param handler the handler
     * @param <I>     input type
     * @param <O>     output type
     * @return the function
     */
    static <I, O> LocalFunction fromHandler(Codec<I> input, Codec<O> output, Handler<I, O> handler) {
        Objects.requireNonNull(handler, "handler");
        return fromRequestHandler(input, output, (in, context) -> handler.handle(in, Invocation.fromContext(context)));
    }
}
