package io.github.serverlesspatterns.core;

/**
 * A pattern that wraps a {@link Handler} and returns a new one: idempotency, a circuit breaker,
 * a cache, ... Decorators are composed with {@link Decorators}.
 *
 * <p>A decorator must return a non-null handler; {@link Decorators} rejects one that returns
 * {@code null}. Decorators of this library are immutable and thread-safe, and can decorate any
 * number of handlers.
 *
 * @param <I> the input type of the handler it wraps
 * @param <O> the output type of the handler it wraps
 */
@FunctionalInterface
public interface Decorator<I, O> {

    /**
     * Wraps a handler.
     *
     * @param handler the handler to wrap, never {@code null}
     * @return the wrapped handler, never {@code null}
     */
    Handler<I, O> decorate(Handler<I, O> handler);
}
