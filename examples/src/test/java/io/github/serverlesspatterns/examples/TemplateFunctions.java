package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LocalFunction;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A function's settings as its SAM template gives them (the function's own properties over the
 * template's {@code Globals}), so that a local run uses the deployed timeout, reserved concurrency,
 * alias and asynchronous retries: {@code Timeout} (Lambda's default 3 s), {@code
 * ReservedConcurrentExecutions}, {@code AutoPublishAlias}, {@code EventInvokeConfig.MaximumRetryAttempts} and {@code MaximumEventAgeInSeconds}.
 */
final class TemplateFunctions {

    private TemplateFunctions() {
    }

    /**
     * @param template   the SAM template
     * @param functionId the function's logical id
     * @param name       the name to register it under
     * @param function   its code
     * @return a builder with the template's settings; add destinations and overrides, then build
     * @throws IllegalArgumentException if the template has no such function
     */
    @SuppressWarnings("unchecked")
    static FunctionConfig.Builder config(Path template, String functionId, String name, LocalFunction function) {
        Map<String, Object> root;
        try {
            root = new YAMLMapper().readValue(Files.readString(template), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) root.getOrDefault("Globals", Map.of()))
                .getOrDefault("Function", Map.of());
        Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) root.get("Resources")).get(functionId);
        if (resource == null || !"AWS::Serverless::Function".equals(resource.get("Type"))) {
            throw new IllegalArgumentException(template + " has no function " + functionId);
        }
        Map<String, Object> p = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
        FunctionConfig.Builder b = FunctionConfig.builder(name, function);
        Object timeout = p.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3));
        b.timeout(Duration.ofSeconds(((Number) timeout).longValue()));
        if (p.getOrDefault("ReservedConcurrentExecutions", globals.get("ReservedConcurrentExecutions")) instanceof Number n) {
            b.reservedConcurrency(n.intValue());
        }
        if (p.getOrDefault("AutoPublishAlias", globals.get("AutoPublishAlias")) instanceof String alias) {
            b.alias(alias);
        }
        Object invokeConfig = p.getOrDefault("EventInvokeConfig", globals.get("EventInvokeConfig"));
        if (invokeConfig instanceof Map<?, ?> c && c.get("MaximumRetryAttempts") instanceof Number n) {
            b.maxEventRetries(n.intValue());
        }
        if (invokeConfig instanceof Map<?, ?> c && c.get("MaximumEventAgeInSeconds") instanceof Number n) {
            b.maximumEventAge(Duration.ofSeconds(n.longValue()));
        }
        return b;
    }
}
