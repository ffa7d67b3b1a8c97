package io.github.serverlesspatterns.testing.sam;

import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LocalFunction;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A function's settings as its SAM template gives them (the function's own properties over the
 * template's {@code Globals}), so that a local run uses the deployed timeout, reserved concurrency,
 * alias and asynchronous retries: {@code Timeout} (Lambda's default 3 s), {@code
 * ReservedConcurrentExecutions}, {@code AutoPublishAlias}, {@code EventInvokeConfig.MaximumRetryAttempts} and {@code MaximumEventAgeInSeconds}.
 */
public final class SamFunctions {

    private SamFunctions() {
    }

    /**
     * @param template   the SAM template
     * @param functionId the function's logical id
     * @param name       the name to register it under
     * @param function   its code
     * @return a builder with the template's settings; add destinations and overrides, then build
     * @throws IllegalArgumentException if the template has no such function
     */
    public static FunctionConfig.Builder config(Path template, String functionId, String name, LocalFunction function) {
        Map<String, Object> p = SamTemplate.load(template).function(functionId);
        FunctionConfig.Builder b = FunctionConfig.builder(name, function);
        Object timeout = p.getOrDefault("Timeout", 3);
        if (!(timeout instanceof Number seconds)) {
            throw new IllegalArgumentException(template + ": " + functionId + "'s Timeout is not a number of seconds: " + timeout);
        }
        b.timeout(Duration.ofSeconds(seconds.longValue()));
        if (p.get("ReservedConcurrentExecutions") instanceof Number n) {
            b.reservedConcurrency(n.intValue());
        }
        if (p.get("AutoPublishAlias") instanceof String alias) {
            b.alias(alias);
        }
        Object invokeConfig = p.get("EventInvokeConfig");
        if (invokeConfig instanceof Map<?, ?> c && c.get("MaximumRetryAttempts") instanceof Number n) {
            b.maxEventRetries(n.intValue());
        }
        if (invokeConfig instanceof Map<?, ?> c && c.get("MaximumEventAgeInSeconds") instanceof Number n) {
            b.maximumEventAge(Duration.ofSeconds(n.longValue()));
        }
        return b;
    }
}
