package io.github.serverlesspatterns.jmh.coldstart;

import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.MotoService;
import io.github.serverlesspatterns.testing.RedisService;
import io.github.serverlesspatterns.testing.SqsService;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cold-start harness: for each module, starts {@link ColdStartProbe} in fresh JVMs, the
 * handler decorated and undecorated in turn (same store clients, same work, same local services),
 * and reports medians of the time from {@code main} to the first result and of the classes loaded.
 * The target is that a module's decorator adds at most 10% to the undecorated handler's time to
 * first result. A third variant calls the module's {@code prime()} before the first invocation,
 * as a SnapStart {@code beforeCheckpoint} would: its first-invocation column shows what priming
 * moves out of the first request (its construction column includes the priming).
 *
 * <pre>
 * ./mvnw -B -q install -DskipTests &amp;&amp; java -cp jmh/target/benchmarks.jar \
 *     io.github.serverlesspatterns.jmh.coldstart.ColdStart [--runs 7] [--modules core,cache] [--out FILE]
 * </pre>
 *
 * <p>The child JVMs run with the flags Lambda's Java runtime uses by default
 * ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}). Prints progress as
 * it goes and a Markdown table at the end (also to {@code --out}).
 */
public final class ColdStart {

    static final List<String> MODULES = List.of("core", "idempotency", "circuitbreaker", "fifo", "fanout", "cache");
    private static final Pattern RESULT = Pattern.compile("RESULT initNanos=(\\d+) firstInvokeNanos=(\\d+) classes=(\\d+) uptimeMillis=(\\d+)");
    private static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private ColdStart() {
    }

    /** One child run. */
    record Run(long initNanos, long firstInvokeNanos, int classes, long uptimeMillis) {
        long totalNanos() {
            return initNanos + firstInvokeNanos;
        }
    }

    /**
     * @param args {@code --runs N}, {@code --modules a,b}, {@code --out FILE}
     * @throws Exception when a child JVM fails
     */
    public static void main(String[] args) throws Exception {
        int runs = 7;
        List<String> modules = MODULES;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--modules" -> modules = Arrays.asList(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--runs N, --modules a,b, --out FILE)");
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        for (String m : modules) {
            if (!MODULES.contains(m)) {
                throw new IllegalArgumentException("unknown module " + m + "; known: " + MODULES);
            }
        }
        try (MotoService moto = MotoService.start(); SqsService sqs = SqsService.start(); RedisService redis = RedisService.start();
             LambdaService lambda = LambdaService.start()) {
            prepare(moto, lambda);
            String dlq = sqs.createQueue("cold-dlq");
            Map<String, String> properties = Map.of("cold.moto", moto.endpoint().toString(), "cold.sqs", sqs.endpoint().toString(),
                    "cold.redis", redis.uri().toString(), "cold.lambda", lambda.endpoint().toString(), "cold.dlq", dlq);
            Map<String, Map<String, List<Run>>> results = new LinkedHashMap<>();
            for (String module : modules) {
                child(module, "plain", properties); // one discarded run: page cache and moto warm for both variants
                Map<String, List<Run>> variants = new LinkedHashMap<>();
                variants.put("plain", new ArrayList<>());
                variants.put("decorated", new ArrayList<>());
                if (!module.equals("core")) { // core has nothing to prime, and no metrics of its own
                    variants.put("primed", new ArrayList<>());
                    variants.put("metered", new ArrayList<>());
                }
                for (int i = 0; i < runs; i++) {
                    List<String> order = new ArrayList<>(variants.keySet());
                    java.util.Collections.rotate(order, i); // each variant runs first, second, ... in turn
                    for (String variant : order) {
                        variants.get(variant).add(child(module, variant, properties));
                    }
                    System.err.printf(Locale.ROOT, "%s: run %d of %d done%n", module, i + 1, runs);
                }
                results.put(module, variants);
            }
            String table = table(results, runs);
            System.out.println(table);
            if (out != null) {
                Files.writeString(out, table, StandardCharsets.UTF_8);
            }
        }
    }

    private static void prepare(MotoService moto, LambdaService lambda) {
        moto.dynamoDb().createTable(b -> b.tableName(ColdStartProbe.ITEMS)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        moto.dynamoDb().putItem(b -> b.tableName(ColdStartProbe.ITEMS)
                .item(Map.of("id", AttributeValue.fromS("item-1"), "value", AttributeValue.fromS("first"))));
        DynamoDbIdempotencyStore.builder(moto.dynamoDb(), ColdStartProbe.IDEMPOTENCY).build().createTableIfMissing();
        DynamoDbCircuitStateStore.create(moto.dynamoDb(), ColdStartProbe.CIRCUITS).createTableIfMissing();
        lambda.register(ColdStartProbe.ECHO, LocalFunction.of(String.class, String.class,
                (com.amazonaws.services.lambda.runtime.RequestHandler<String, String>) (in, ctx) -> "echo " + in));
    }

    private static Run child(String module, String variant, Map<String, String> properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ColdStartProbe.class.getName());
        command.add(module);
        command.add(variant);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Matcher m = RESULT.matcher(output);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException(module + " " + variant + " cold start failed (exit " + exit + "):\n" + output);
        }
        return new Run(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)));
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String table(Map<String, Map<String, List<Run>>> results, int runs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Median of %d fresh JVMs per row (%s; Java %s, %d cores)%n%n", runs,
                String.join(" ", JVM_FLAGS.subList(0, 3)), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
        b.append("| module | handler | main to first result (ms) | of which construction | first invocation | classes loaded | JVM uptime at result (ms) | added by the module |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        results.forEach((module, variants) -> {
            long plain = median(variants.get("plain").stream().map(Run::totalNanos).toList());
            int plainClasses = (int) median(variants.get("plain").stream().map(r -> (long) r.classes()).toList());
            long decoratedFirst = median(variants.get("decorated").stream().map(Run::firstInvokeNanos).toList());
            long decoratedTotal = median(variants.get("decorated").stream().map(Run::totalNanos).toList());
            variants.forEach((variant, list) -> {
                long total = median(list.stream().map(Run::totalNanos).toList());
                long classes = median(list.stream().map(r -> (long) r.classes()).toList());
                long firstInvoke = median(list.stream().map(Run::firstInvokeNanos).toList());
                String added = switch (variant) {
                    case "decorated" -> String.format(Locale.ROOT, "%+.1f%% time, %+d classes", 100.0 * (total - plain) / plain,
                            classes - plainClasses);
                    case "primed" -> String.format(Locale.ROOT, "first invocation %+.0f%% vs decorated",
                            100.0 * (firstInvoke - decoratedFirst) / decoratedFirst);
                    case "metered" -> String.format(Locale.ROOT, "%+.1f%% time (%+.1f%% vs decorated), %+d classes",
                            100.0 * (total - plain) / plain, 100.0 * (total - decoratedTotal) / decoratedTotal, classes - plainClasses);
                    default -> "";
                };
                String label = switch (variant) {
                    case "primed" -> "decorated, prime() before";
                    case "metered" -> "decorated, metrics on (EMF)";
                    default -> variant;
                };
                b.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %d | %d | %s |%n", module, label, total / 1e6,
                        median(list.stream().map(Run::initNanos).toList()) / 1e6,
                        firstInvoke / 1e6, classes,
                        median(list.stream().map(Run::uptimeMillis).toList()), added));
            });
        });
        return b.toString();
    }

}
