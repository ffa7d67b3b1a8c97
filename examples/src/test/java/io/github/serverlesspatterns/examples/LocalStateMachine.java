package io.github.serverlesspatterns.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an Amazon States Language definition locally, calling its Lambda tasks through the Invoke
 * API (the kit's local endpoint). Step Functions itself cannot run here (moto's only calls Lambda
 * through Docker), so this interpreter covers the subset the examples use, with Step Functions'
 * semantics: {@code Task} (a Lambda ARN resource; the error name is the function's
 * {@code errorType}), {@code Retry} ({@code ErrorEquals}, {@code IntervalSeconds},
 * {@code MaxAttempts}, {@code BackoffRate}), {@code Catch}, {@code ResultPath}, {@code Wait}
 * ({@code Seconds}), {@code Pass}, {@code Succeed} and {@code Fail}. Anything else is refused by
 * name rather than guessed. Waits and retry intervals are scaled by {@code perSecond}.
 */
final class LocalStateMachine {

    /** How an execution ended. */
    record Execution(String status, String error, JsonNode output, List<String> history) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode definition;
    private final LambdaClient lambda;
    private final Map<String, String> functionsByResource;
    private final Duration perSecond;

    /**
     * @param definition          the ASL document, after {@code DefinitionSubstitutions}
     * @param lambda              Lambda client that Task states invoke through
     * @param functionsByResource each Task {@code Resource} to the function name to invoke
     * @param perSecond           how long one second of the definition lasts here
     */
    LocalStateMachine(String definition, LambdaClient lambda, Map<String, String> functionsByResource, Duration perSecond) throws IOException {
        this.definition = JSON.readTree(definition);
        this.lambda = lambda;
        this.functionsByResource = functionsByResource;
        this.perSecond = perSecond;
        for (var state : definition().properties()) {
            String type = state.getValue().path("Type").asText();
            if (!List.of("Task", "Wait", "Pass", "Succeed", "Fail").contains(type)) {
                throw new IllegalArgumentException("state " + state.getKey() + ": type " + type + " is not supported locally");
            }
        }
    }

    private JsonNode definition() {
        return definition.get("States");
    }

    /** A task's failure, named as Step Functions names it. */
    private static final class TaskFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String error;

        TaskFailure(String error, String cause) {
            super(cause);
            this.error = error;
        }
    }

    Execution start(JsonNode input) {
        List<String> history = new ArrayList<>();
        JsonNode current = input.deepCopy();
        String name = definition.get("StartAt").asText();
        for (int steps = 0; steps < 1000; steps++) {
            JsonNode state = definition().get(name);
            if (state == null) {
                throw new IllegalArgumentException("no state " + name);
            }
            history.add(name);
            switch (state.get("Type").asText()) {
                case "Succeed":
                    return new Execution("SUCCEEDED", null, current, history);
                case "Fail":
                    return new Execution("FAILED", state.path("Error").asText(), current, history);
                case "Wait":
                    sleep(state.get("Seconds").asDouble());
                    name = state.get("Next").asText();
                    break;
                case "Pass":
                    current = applyResultPath(current, state, state.has("Result") ? state.get("Result") : current);
                    name = state.get("Next").asText();
                    break;
                default: // Task
                    try {
                        JsonNode result = runTask(state, current, name, history);
                        current = applyResultPath(current, state, result);
                        if (state.path("End").asBoolean(false)) {
                            return new Execution("SUCCEEDED", null, current, history);
                        }
                        name = state.get("Next").asText();
                    } catch (TaskFailure failure) {
                        int c = matching(state.get("Catch"), failure.error);
                        if (c < 0) {
                            return new Execution("FAILED", failure.error, current, history);
                        }
                        JsonNode catcher = state.get("Catch").get(c);
                        ObjectNode error = JsonNodeFactory.instance.objectNode().put("Error", failure.error).put("Cause", failure.getMessage());
                        current = applyResultPath(current, catcher, error);
                        name = catcher.get("Next").asText();
                    }
            }
        }
        throw new IllegalStateException("more than 1000 transitions: a loop in the definition?");
    }

    private JsonNode runTask(JsonNode state, JsonNode input, String name, List<String> history) throws TaskFailure {
        String function = functionsByResource.get(state.get("Resource").asText());
        if (function == null) {
            throw new IllegalArgumentException(name + ": no function for resource " + state.get("Resource").asText());
        }
        int[] attempts = new int[state.has("Retry") ? state.get("Retry").size() : 0];
        while (true) {
            TaskFailure failure;
            try {
                InvokeResponse response = lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromByteArray(write(input))));
                JsonNode payload = read(response.payload().asByteArray());
                if (response.functionError() == null) {
                    return payload;
                }
                failure = new TaskFailure(payload.path("errorType").asText("States.TaskFailed"), payload.path("errorMessage").asText());
            } catch (LambdaException e) {
                failure = new TaskFailure("Lambda.ServiceException", e.getMessage());
            }
            int index = matching(state.get("Retry"), failure.error);
            if (index < 0) {
                throw failure;
            }
            JsonNode retrier = state.get("Retry").get(index);
            int maxAttempts = retrier.path("MaxAttempts").asInt(3);
            if (attempts[index] >= maxAttempts) {
                throw failure;
            }
            double interval = retrier.path("IntervalSeconds").asDouble(1) * Math.pow(retrier.path("BackoffRate").asDouble(2), attempts[index]);
            attempts[index]++;
            history.add(name + " (retry " + attempts[index] + " after " + failure.error.substring(failure.error.lastIndexOf('.') + 1) + ")");
            sleep(interval);
        }
    }

    /**
     * The index of the first retrier or catcher whose ErrorEquals names the error, or -1
     * ({@code States.ALL} and {@code States.TaskFailed} match any task error).
     */
    private static int matching(JsonNode candidates, String error) {
        for (int i = 0; candidates != null && i < candidates.size(); i++) {
            for (JsonNode name : candidates.get(i).get("ErrorEquals")) {
                String n = name.asText();
                if (n.equals(error) || n.equals("States.ALL") || (n.equals("States.TaskFailed") && !error.startsWith("States."))) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static JsonNode applyResultPath(JsonNode input, JsonNode state, JsonNode result) {
        if (!state.has("ResultPath")) {
            return result;
        }
        JsonNode path = state.get("ResultPath");
        if (path.isNull()) {
            return input;
        }
        String p = path.asText();
        if (p.equals("$")) {
            return result;
        }
        if (!p.matches("\\$\\.[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("ResultPath " + p + " is not supported locally (only $, null and $.field)");
        }
        ObjectNode out = input.isObject() ? ((ObjectNode) input).deepCopy() : JsonNodeFactory.instance.objectNode();
        out.set(p.substring(2), result);
        return out;
    }

    private void sleep(double seconds) {
        try {
            Thread.sleep((long) (perSecond.toNanos() * seconds / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(byte[] bytes) {
        try {
            return bytes.length == 0 ? JsonNodeFactory.instance.nullNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("a task answered something that is not JSON", e);
        }
    }
}
