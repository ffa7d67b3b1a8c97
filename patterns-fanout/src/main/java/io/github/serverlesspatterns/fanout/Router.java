package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The catalogue's Router, a "glorified switch": a key function picks one of N routes for an
 * event, an enrichment hook may add to it, and the route's handler runs it: an in-process
 * {@link Handler}, or an asynchronous function target ({@link Invoker#send}). An unknown route is
 * a clear {@link UnknownRouteException}, or goes to the configured dead-letter sink; never a
 * silent drop. Immutable and thread-safe.
 *
 * @param <E> the event type
 */
public final class Router<E> implements Handler<E, String> {

    private final Function<E, String> key;
    private final UnaryOperator<E> enrich;
    private final Map<String, Handler<E, ?>> routes;
    private final BiConsumer<E, String> unknownRouteSink;

    private Router(Builder<E> b) {
        this.key = b.key;
        this.enrich = b.enrich;
        this.routes = Map.copyOf(b.routes);
        this.unknownRouteSink = b.unknownRouteSink;
    }

    /**
     * @param key picks the route name of an event
     * @param <E> event type
     * @return a builder
     */
    public static <E> Builder<E> builder(Function<E, String> key) {
        return new Builder<>(key);
    }

    /** @return the route taken */
    @Override
    public String handle(E event, Invocation invocation) {
        String route = key.apply(event);
        Handler<E, ?> target = route == null ? null : routes.get(route);
        if (target == null) {
            if (unknownRouteSink != null) {
                unknownRouteSink.accept(event, String.valueOf(route));
                return "dead-letter";
            }
            throw new UnknownRouteException("router: no route '" + route + "' (routes: " + routes.keySet() + "); event not handled");
        }
        target.handle(enrich.apply(event), invocation);
        return route;
    }

    /**
     * Builder of {@link Router}. Not thread-safe.
     *
     * @param <E> event type
     */
    public static final class Builder<E> {
        private final Function<E, String> key;
        private UnaryOperator<E> enrich = UnaryOperator.identity();
        private final Map<String, Handler<E, ?>> routes = new LinkedHashMap<>();
        private BiConsumer<E, String> unknownRouteSink;

        private Builder(Function<E, String> key) {
            this.key = Objects.requireNonNull(key, "key");
        }

        /**
         * @param name    route name
         * @param handler runs events of this route in process
         * @return this builder
         */
        public Builder<E> route(String name, Handler<E, ?> handler) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(handler, "handler");
            if (routes.putIfAbsent(name, handler) != null) {
                throw new IllegalArgumentException("route '" + name + "' is declared twice");
            }
            return this;
        }

        /**
         * @param name   route name
         * @param target a function that gets events of this route asynchronously
         * @return this builder
         */
        public Builder<E> asyncRoute(String name, Invoker<E, ?> target) {
            Objects.requireNonNull(target, "target");
            return route(name, (event, invocation) -> {
                target.send(event, invocation);
                return null;
            });
        }

        /**
         * @param enrich adds to an event before it is routed on
         * @return this builder
         */
        public Builder<E> enrich(UnaryOperator<E> enrich) {
            this.enrich = Objects.requireNonNull(enrich, "enrich");
            return this;
        }

        /**
         * @param sink receives events with no route, and the key they had (e.g. a send to an SQS DLQ)
         * @return this builder
         */
        public Builder<E> unknownRoutesTo(BiConsumer<E, String> sink) {
            this.unknownRouteSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @return the router
         * @throws IllegalStateException without routes
         */
        public Router<E> build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("a router needs at least one route");
            }
            return new Router<>(this);
        }
    }
}
