package io.github.serverlesspatterns.examples.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** The README's existing Lambda handler, before the library: unchanged business logic. */
public class LegacyOrderHandler implements RequestHandler<Order, Receipt> {

    @Override
    public Receipt handleRequest(Order order, Context context) {
        return new Receipt(order.getOrderId(), "accepted " + order.getQuantity());
    }
}
