package io.github.serverlesspatterns.examples.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;

// The README's "existing Lambda, wrapped" (Core concepts): the whole class is the README's snippet.
public final class OrderFunction implements RequestHandler<Order, Receipt> {
    private final RequestHandler<Order, Receipt> decorated;

    public OrderFunction() {
        Handler<Order, Receipt> legacy = LambdaAdapters.fromRequestHandler(new LegacyOrderHandler());
        decorated = LambdaAdapters.toRequestHandler(Decorators.decorate(legacy /*, idempotency, breaker, ... */));
    }

    @Override
    public Receipt handleRequest(Order order, Context context) {
        return decorated.handleRequest(order, context);
    }
}
