package io.github.serverlesspatterns.core;

/**
 * The user's business logic: one input in, one output out, with the facts of the current
 * invocation beside it.
 *
 * <p>Every pattern in this library that wraps a call is a {@link Decorator} that returns a new
 * {@code Handler}, so a handler can be wrapped by any number of patterns (see
 * {@link Decorators#decorate(Handler, Decorator[])}). A handler is turned into an AWS Lambda
 * {@code RequestHandler} with {@link LambdaAdapters#toRequestHandler(Handler)}.
 *
 * <p>Exceptions: a handler throws unchecked exceptions; decorators of this library let the
 * user's own exceptions pass through unwrapped. Thread-safety: a handler used from a
 * multi-threaded decorator (parallel batches, the aggregator) must be thread-safe.
 *
 * @param <I> the input type
 * @param <O> the output type ({@link Void} for handlers that return nothing)
 */
@FunctionalInterface
public interface Handler<I, O> {

    /**
     * Handles one input.
     *
     * @param input      the input, as the caller passed it (may be {@code null} if the caller allows it)
     * @param invocation the current invocation: request id, function name and deadline; never {@code null}
     * @return the output
     */
    O handle(I input, Invocation invocation);
}
