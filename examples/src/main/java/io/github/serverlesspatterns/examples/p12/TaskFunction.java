package io.github.serverlesspatterns.examples.p12;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/** Pattern 12's task functions: one per route; this stand-in logs what it handles. */
public final class TaskFunction implements RequestHandler<Map<String, Object>, String> {

    /** For the Lambda runtime. */
    public TaskFunction() {
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        String line = context.getFunctionName() + " handled " + event.get("type") + " " + event.get("id") + " routed at " + event.get("routedAt");
        context.getLogger().log(line);
        return line;
    }
}
