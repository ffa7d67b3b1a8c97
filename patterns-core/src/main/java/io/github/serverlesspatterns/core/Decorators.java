package io.github.serverlesspatterns.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Composition of {@link Decorator}s, listed <em>outermost first</em>.
 *
 * <p>{@code Decorators.decorate(handler, a, b, c)} returns {@code a(b(c(handler)))}: a call goes
 * through {@code a}, then {@code b}, then {@code c}, then reaches {@code handler}; the result
 * and any exception travel back out through {@code c}, {@code b} and {@code a}. So, for example,
 * put an idempotency decorator outside a circuit breaker when a replayed result should not
 * count as a call to the downstream service.
 *
 * <p>Composition happens once, when the handler is built (typically in the Lambda class's
 * constructor); the composed handler adds nothing per call beyond what each decorator does.
 * This class is stateless and thread-safe.
 */
public final class Decorators {

    private Decorators() {
    }

    /**
     * Wraps {@code handler} in the given decorators, outermost first:
     * {@code decorate(h, a, b, c)} is {@code a(b(c(h)))}.
     *
     * @param handler        the innermost handler
     * @param outermostFirst the decorators, outermost first; none may be {@code null}
     * @param <I>            input type
     * @param <O>            output type
     * @return the composed handler ({@code handler} itself when no decorator is given)
     * @throws NullPointerException  if the handler, the array or one of the decorators is {@code null}
     * @throws IllegalStateException if a decorator returns {@code null}
     */
    @SafeVarargs
    public static <I, O> Handler<I, O> decorate(Handler<I, O> handler, Decorator<I, O>... outermostFirst) {
        Objects.requireNonNull(outermostFirst, "outermostFirst");
        List<Decorator<I, O>> list = new ArrayList<>(outermostFirst.length);
        for (Decorator<I, O> decorator : outermostFirst) {
            list.add(decorator);
        }
        return decorate(handler, list);
    }

    /**
     * Wraps {@code handler} in the given decorators, outermost first (see
     * {@link #decorate(Handler, Decorator[])}).
     *
     * @param handler        the innermost handler
     * @param outermostFirst the decorators, outermost first; none may be {@code null}
     * @param <I>            input type
     * @param <O>            output type
     * @return the composed handler
     * @throws NullPointerException  if the handler, the list or one of the decorators is {@code null}
     * @throws IllegalStateException if a decorator returns {@code null}
     */
    public static <I, O> Handler<I, O> decorate(Handler<I, O> handler, List<? extends Decorator<I, O>> outermostFirst) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(outermostFirst, "outermostFirst");
        Handler<I, O> current = handler;
        for (int i = outermostFirst.size() - 1; i >= 0; i--) {
            Decorator<I, O> decorator = Objects.requireNonNull(outermostFirst.get(i), "decorator at index " + i);
            Handler<I, O> next = decorator.decorate(current);
            if (next == null) {
                throw new IllegalStateException("decorator at index " + i + " (" + decorator.getClass().getName()
                        + ") returned null instead of a handler");
            }
            current = next;
        }
        return current;
    }

    /**
     * Composes decorators into one, outermost first: {@code compose(a, b, c).decorate(h)} is
     * {@code a(b(c(h)))}.
     *
     * @param outermostFirst the decorators, outermost first; none may be {@code null}
     * @param <I>            input type
     * @param <O>            output type
     * @return a decorator applying them all
     * @throws NullPointerException if the array or one of the decorators is {@code null}
     */
    @SafeVarargs
    public static <I, O> Decorator<I, O> compose(Decorator<I, O>... outermostFirst) {
        Objects.requireNonNull(outermostFirst, "outermostFirst");
        List<Decorator<I, O>> copy = new ArrayList<>(outermostFirst.length);
        for (int i = 0; i < outermostFirst.length; i++) {
            copy.add(Objects.requireNonNull(outermostFirst[i], "decorator at index " + i));
        }
        List<Decorator<I, O>> frozen = List.copyOf(copy);
        return handler -> decorate(handler, frozen);
    }
}
