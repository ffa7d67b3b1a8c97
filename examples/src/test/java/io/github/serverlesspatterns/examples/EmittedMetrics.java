package io.github.serverlesspatterns.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The EMF documents a scenario's functions wrote (where Lambda's log agent would read them), and
 * their key figures: what the main job prints under each pattern, and what scenarios check.
 */
final class EmittedMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> documents = new CopyOnWriteArrayList<>();
    private final EmfMetrics metrics = EmfMetrics.create(ExampleMetrics.NAMESPACE, documents::add, Clock.systemUTC());

    /** @return the metrics to give the functions (the same namespace as on Lambda; documents kept here instead of stdout) */
    EmfMetrics metrics() {
        return metrics;
    }

    /** @return every document written so far, one JSON line each */
    List<String> documents() {
        return documents;
    }

    /**
     * @return the sum of a count, or the number of samples of a duration, over every document of
     *         that pattern and name
     */
    long total(String pattern, String name, String metric) {
        long total = 0;
        for (String line : documents) {
            JsonNode doc = parse(line);
            if (pattern.equals(doc.path("Pattern").asText()) && name.equals(doc.path("Name").asText())) {
                JsonNode value = doc.path(metric);
                total += value.isArray() ? value.size() : value.asLong(0);
            }
        }
        return total;
    }

    /**
     * @return one line per (pattern, name): counts summed, durations and sizes as how many and their
     *         median, e.g. {@code idempotency/shipping: Claims 1, Replays 2, StoreLatency 6 x median 4.1 ms}
     */
    String figures() {
        Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
        Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
        for (String line : documents) {
            JsonNode doc = parse(line);
            String series = doc.path("Pattern").asText() + "/" + doc.path("Name").asText();
            for (JsonNode definition : doc.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")) {
                String metric = definition.path("Name").asText();
                JsonNode value = doc.path(metric);
                String unit = definition.path("Unit").asText();
                if ("Milliseconds".equals(unit) || "Bytes".equals(unit)) {
                    List<Double> list = samples.computeIfAbsent(series, s -> new LinkedHashMap<>())
                            .computeIfAbsent(metric + ("Bytes".equals(unit) ? " B" : " ms"), m -> new ArrayList<>());
                    value.forEach(v -> list.add(v.asDouble()));
                } else if ("Count".equals(unit)) {
                    sums.computeIfAbsent(series, s -> new LinkedHashMap<>()).merge(metric, value.asDouble(), Double::sum);
                } else {
                    sums.computeIfAbsent(series, s -> new LinkedHashMap<>()).put(metric + " (last)", value.asDouble());
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (String series : union(sums.keySet(), samples.keySet())) {
            List<String> parts = new ArrayList<>();
            sums.getOrDefault(series, Map.of()).forEach((m, v) -> parts.add(m + " " + number(v)));
            samples.getOrDefault(series, Map.of()).forEach((key, v) -> { // key: metric and unit, "StoreLatency ms"
                List<Double> sorted = v.stream().sorted().toList();
                String metric = key.substring(0, key.lastIndexOf(' '));
                String unit = key.substring(key.lastIndexOf(' ') + 1);
                parts.add(metric + " " + v.size() + " x median " + String.format(java.util.Locale.ROOT, "%.1f", sorted.get(sorted.size() / 2))
                        + " " + unit);
            });
            lines.add(series + ": " + String.join(", ", parts));
        }
        return lines.isEmpty() ? "no metrics" : String.join("; ", lines);
    }

    private static List<String> union(Iterable<String> a, Iterable<String> b) {
        List<String> all = new ArrayList<>();
        for (Iterator<String> i = a.iterator(); i.hasNext(); ) {
            all.add(i.next());
        }
        b.forEach(s -> {
            if (!all.contains(s)) {
                all.add(s);
            }
        });
        return all;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not an EMF document: " + line, e);
        }
    }
}
