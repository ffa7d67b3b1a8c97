package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * An {@link Invoker} that runs a handler in this JVM, for tests and local runs: {@link #call}
 * runs it at once (its exceptions become {@link RemoteFunctionException}, as over Lambda);
 * {@link #send} hands it to an executor. Thread-safe if the handler is.
 *
 * @param <I> request type
 * @param <O> response type
 */
public final class InProcessInvoker<I, O> implements Invoker<I, O> {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessInvoker.class);

    private final String name;
    private final Handler<I, O> handler;
    private final Executor executor;

    private InProcessInvoker(String name, Handler<I, O> handler, Executor executor) {
        this.name = name;
        this.handler = handler;
        this.executor = executor;
    }

    /**
     * @param name     a name for errors
     * @param handler  the callee
     * @param executor runs events
     * @param <I>      request type
     * @param <O>      response type
     * @return the invoker
     */
    public static <I, O> InProcessInvoker<I, O> of(String name, Handler<I, O> handler, Executor executor) {
        return new InProcessInvoker<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(executor, "executor"));
    }

    @Override
    public O call(I request, Invocation invocation) {
        try {
            return handler.handle(request, invocation);
        } catch (Throwable e) { // as over Lambda, whatever the callee throws is a function error for the caller
            throw new RemoteFunctionException(name, e.getClass().getName(), e.getMessage());
        }
    }

    @Override
    public void send(I request, Invocation invocation) {
        executor.execute(() -> {
            try {
                // as Lambda does for an event: a request id and a deadline of the callee's own, and the
                // caller's request id as the correlation id
                handler.handle(request, Invocation.builder().functionName(name).correlationId(invocation.requestId()).build());
            } catch (Throwable e) {
                LOG.warn("in-process event to {} failed", name, e);
            }
        });
    }
}
