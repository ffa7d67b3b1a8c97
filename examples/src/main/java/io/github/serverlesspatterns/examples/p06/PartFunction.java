package io.github.serverlesspatterns.examples.p06;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** Pattern 6's downstream services: stand-ins that answer with their function's name and the customer. */
public final class PartFunction implements RequestHandler<String, String> {

    /** For the Lambda runtime. */
    public PartFunction() {
    }

    @Override
    public String handleRequest(String customerId, Context context) {
        return context.getFunctionName() + " for " + customerId;
    }
}
