package io.github.serverlesspatterns.examples.p06;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/**
 * Pattern 6's downstream services: stand-ins that answer with their function's name and the
 * customer. Invoked with the JSON {@code {"customerId": "c-1"}}; answers {@code {"answer": "..."}}.
 */
public final class PartFunction implements RequestHandler<Map<String, String>, Map<String, String>> {

    /** For the Lambda runtime. */
    public PartFunction() {
    }

    @Override
    public Map<String, String> handleRequest(Map<String, String> request, Context context) {
        String customer = request == null ? null : request.get("customerId");
        if (customer == null || customer.isBlank()) {
            throw new IllegalArgumentException("'customerId' is missing");
        }
        return Map.of("answer", context.getFunctionName() + " for " + customer);
    }
}
