package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Invocation;

/**
 * Calls another function: synchronously ({@link #call}, the catalogue's Internal API) or as an
 * event ({@link #send}, the Internal Handoff). Implementations: {@link LambdaInvoker} over the
 * Lambda Invoke API, and {@link InProcessInvoker} for tests and local runs. Thread-safe.
 *
 * @param <I> request type
 * @param <O> response type
 */
public interface Invoker<I, O> {

    /**
     * Invokes and waits for the answer ({@code RequestResponse}).
     *
     * @param request    the request
     * @param invocation the calling invocation (its request id travels as the correlation id)
     * @return the response
     * @throws RemoteFunctionException   if the function failed (its error type and message)
     * @throws PayloadTooLargeException  if the encoded request is over the limit; nothing was sent
     */
    O call(I request, Invocation invocation);

    /**
     * Hands the request over and returns at once ({@code Event}); the callee runs later and is
     * retried by Lambda on failure, so it must be idempotent.
     *
     * @param request    the request
     * @param invocation the calling invocation
     * @throws PayloadTooLargeException if the encoded request is over the limit; nothing was sent
     */
    void send(I request, Invocation invocation);
}
