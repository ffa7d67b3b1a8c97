package io.github.serverlesspatterns.testing.sam;

import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LocalFunction;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * The function's environment variables as Lambda would set them, with the template's references
     * resolved to the local resources standing in for them: {@code Ref: X} to {@code refs.get("X")},
     * {@code Fn::GetAtt: [X, Attr]} to {@code refs.get("X.Attr")}, and the same names inside
     * {@code Fn::Sub} strings ({@code AWS::Region}, {@code AWS::AccountId}, {@code AWS::Partition} and
     * {@code AWS::URLSuffix} are known).
     *
     * @param template   the SAM template
     * @param functionId the function's logical id
     * @param refs       what each referenced logical id (or {@code id.Attribute}) is locally
     * @return the variables
     * @throws IllegalArgumentException naming the variable and the reference that has no local value
     */
    public static Map<String, String> environment(Path template, String functionId, Map<String, String> refs) {
        Map<String, String> known = new HashMap<>(Map.of("AWS::Region",
                AwsClients.REGION, "AWS::AccountId", AwsClients.ACCOUNT_ID,
                "AWS::Partition", "aws", "AWS::URLSuffix", "amazonaws.com"));
        known.putAll(refs);
        Map<String, String> env = new LinkedHashMap<>();
        Object environment = SamTemplate.load(template).function(functionId).get("Environment");
        if (!(environment instanceof Map<?, ?> e) || !(e.get("Variables") instanceof Map<?, ?> variables)) {
            return env;
        }
        variables.forEach((name, value) -> env.put(String.valueOf(name), resolve(template, functionId, String.valueOf(name), value, known)));
        return env;
    }

    private static String resolve(Path template, String functionId, String variable, Object value, Map<String, String> known) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (value instanceof Map<?, ?> m && m.size() == 1) {
            if (m.get("Ref") != null) {
                return lookup(template, functionId, variable, String.valueOf(m.get("Ref")), known);
            }
            if (m.get("Fn::GetAtt") instanceof List<?> att && att.size() == 2) {
                return lookup(template, functionId, variable, att.get(0) + "." + att.get(1), known);
            }
            if (m.get("Fn::Sub") instanceof String text) {
                Matcher names = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
                StringBuilder out = new StringBuilder();
                while (names.find()) {
                    names.appendReplacement(out, Matcher.quoteReplacement(lookup(template, functionId, variable, names.group(1), known)));
                }
                return names.appendTail(out).toString();
            }
        }
        throw new IllegalArgumentException(template + ": " + functionId + "'s environment variable " + variable
                + " is not a string, Ref, Fn::GetAtt or Fn::Sub the local run can resolve: " + value);
    }

    private static String lookup(Path template, String functionId, String variable, String name, Map<String, String> known) {
        String value = known.get(name);
        if (value == null) {
            throw new IllegalArgumentException(template + ": " + functionId + "'s environment variable " + variable + " refers to " + name
                    + ", which has no local value: pass it in refs");
        }
        return value;
    }
}
