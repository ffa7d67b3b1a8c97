package io.github.serverlesspatterns.examples.p04;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/** Pattern 4, the internal service: prices a product. No API Gateway in front: other functions invoke it. */
public final class PricingFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** For the Lambda runtime. */
    public PricingFunction() {
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> request, Context context) {
        Object product = request == null ? null : request.get("product");
        Object quantity = request == null ? null : request.get("quantity");
        if (!(product instanceof String) || !(quantity instanceof Number) || ((Number) quantity).intValue() < 1) {
            throw new IllegalArgumentException("need 'product' (string) and 'quantity' (at least 1)");
        }
        int cents = 250 * ((Number) quantity).intValue();
        return Map.of("product", product, "quantity", quantity, "totalCents", cents);
    }
}
