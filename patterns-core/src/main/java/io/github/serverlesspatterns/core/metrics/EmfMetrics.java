package io.github.serverlesspatterns.core.metrics;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Handler;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;


/**
 * Metrics as CloudWatch Embedded Metric Format (EMF) documents: JSON lines that Lambda's log
 * agent turns into CloudWatch metrics, with no dependency and no API call. Values accumulate in
 * memory and {@link #flush()} writes one document per (pattern, name) with dimensions
 * {@code Pattern} and {@code Name} and at most {@value #MAX_METRICS} metrics each: counts as their
 * sum (unit {@code Count}), durations as up to {@value #MAX_VALUES} values in milliseconds (unit
 * {@code Milliseconds}; more in one flush are dropped and counted in {@code DroppedSamples}), sizes
 * likewise in unit {@code Bytes}, levels
 * as the last value (unit {@code None}). Flush at the end of each invocation: wrap the function's
 * handler in {@link #flushing()} as the outermost decorator. Thread-safe: concurrent invocations
 * (Lambda Managed Instances) share one instance, and a flush takes what has accumulated so far.
 *
 * <pre>{@code
 * EmfMetrics metrics = EmfMetrics.create("Orders");
 * Handler<Order, Receipt> handler = Decorators.decorate(placeOrder, metrics.flushing(), idempotency); // outermost first
 * }</pre>
 */
public final class EmfMetrics implements Metrics {

    /** At most {@value} metrics per document (EMF's limit). */
    public static final int MAX_METRICS = 100;
    /** At most {@value} values of one metric per document (EMF's limit). */
    public static final int MAX_VALUES = 100;

    private final String namespace;
    private final Consumer<String> out;
    private final Clock clock;
    /** pattern -> name -> that pair's values since the last flush; looked up without allocating. */
    private final Map<String, Map<String, Series>> series = new ConcurrentHashMap<>();

    /**
     * One metric's values since the last flush: a sum or a level, or up to {@link #MAX_VALUES}
     * samples. Kept across flushes (a flush resets it), so a handle from {@link #counter} or
     * {@link #timer} is the object itself and recording allocates nothing.
     */
    private static final class Values implements BoundCounter, BoundTimer {
        final String unit;
        final boolean sum;
        final double[] samples;
        /** updates since the last flush */
        int count;
        double value;
        long dropped;

        Values(String unit, boolean sample) {
            this.unit = unit;
            this.sum = "Count".equals(unit);
            this.samples = sample ? new double[MAX_VALUES] : null;
        }

        @Override
        public void add(long delta) {
            record((double) delta);
        }

        @Override
        public void record(long nanos) {
            record(nanos / 1_000_000d);
        }

        synchronized void record(double v) {
            if (samples != null) {
                if (count < MAX_VALUES) {
                    samples[count++] = v;
                } else {
                    dropped++;
                }
                return;
            }
            value = sum && count > 0 ? value + v : v;
            count++;
        }

        /** @return the value or the list of samples since the last flush, or null if none; and resets */
        synchronized Object take() {
            if (count == 0) {
                return null;
            }
            Object taken;
            if (samples == null) {
                taken = value;
            } else {
                List<Double> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(samples[i]);
                }
                taken = list;
            }
            count = 0;
            value = 0;
            return taken;
        }

        synchronized long takeDropped() {
            long d = dropped;
            dropped = 0;
            return d;
        }
    }

    /** One (pattern, name)'s metrics, in the order they first appeared. */
    private static final class Series {
        private final Map<String, Values> values = new LinkedHashMap<>();

        synchronized Values values(String metric, String unit, boolean sample) {
            Values v = values.get(metric);
            if (v == null) {
                v = new Values(unit, sample);
                values.put(metric, v);
            }
            return v;
        }

        /** @return metric -> {unit, value or list of values} of those updated since the last flush; resets them */
        synchronized Map<String, Object[]> take() {
            Map<String, Object[]> taken = new LinkedHashMap<>();
            long dropped = 0;
            for (Map.Entry<String, Values> e : values.entrySet()) {
                Object v = e.getValue().take();
                if (v != null) {
                    taken.put(e.getKey(), new Object[] {e.getValue().unit, v});
                }
                dropped += e.getValue().takeDropped();
            }
            if (dropped > 0) {
                taken.put("DroppedSamples", new Object[] {"Count", (double) dropped});
            }
            return taken;
        }
    }

    private EmfMetrics(String namespace, Consumer<String> out, Clock clock) {
        this.namespace = namespace;
        this.out = out;
        this.clock = clock;
    }

    /**
     * @param namespace the CloudWatch namespace (1 to 255 characters)
     * @return metrics written to standard output, where Lambda's log agent reads EMF
     */
    public static EmfMetrics create(String namespace) {
        PrintStream stdout = System.out;
        return create(namespace, stdout::println, Clock.systemUTC());
    }

    /**
     * @param namespace the CloudWatch namespace
     * @param out       where each document (one line) goes
     * @param clock     the documents' timestamp
     * @return the metrics
     */
    public static EmfMetrics create(String namespace, Consumer<String> out, Clock clock) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || namespace.length() > 255 || namespace.startsWith("AWS/")) {
            throw new IllegalArgumentException("an EMF namespace has 1 to 255 characters and does not start with AWS/: '" + namespace + "'");
        }
        return new EmfMetrics(namespace, Objects.requireNonNull(out, "out"), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public void count(String pattern, String name, String metric, long delta) {
        counter(pattern, name, metric).add(delta);
    }

    @Override
    public void time(String pattern, String name, String metric, long nanos) {
        timer(pattern, name, metric).record(nanos);
    }

    @Override
    public void bytes(String pattern, String name, String metric, long bytes) {
        series(pattern, name).values(metric, "Bytes", true).record((double) bytes);
    }

    @Override
    public void level(String pattern, String name, String metric, double value) {
        series(pattern, name).values(metric, "None", false).record(value);
    }

    @Override
    public BoundCounter counter(String pattern, String name, String metric) {
        return series(pattern, name).values(metric, "Count", false);
    }

    @Override
    public BoundTimer timer(String pattern, String name, String metric) {
        return series(pattern, name).values(metric, "Milliseconds", true);
    }

    private Series series(String pattern, String name) {
        Map<String, Series> byName = series.get(pattern);
        Series found = byName == null ? null : byName.get(name);
        if (found != null) {
            return found;
        }
        return series.computeIfAbsent(pattern, p -> new ConcurrentHashMap<>()).computeIfAbsent(name, n -> new Series());
    }

    /** Writes what has accumulated since the last flush, one document per (pattern, name) and 100 metrics; nothing if nothing did. */
    public void flush() {
        long timestamp = clock.millis();
        series.forEach((pattern, byName) -> byName.forEach((name, values) -> {
            List<Map.Entry<String, Object[]>> metrics = new ArrayList<>(values.take().entrySet());
            for (int from = 0; from < metrics.size(); from += MAX_METRICS) {
                out.accept(document(timestamp, pattern, name, metrics.subList(from, Math.min(metrics.size(), from + MAX_METRICS))));
            }
        }));
    }

    private String document(long timestamp, String pattern, String name, List<Map.Entry<String, Object[]>> metrics) {
        StringBuilder definitions = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (Map.Entry<String, Object[]> m : metrics) {
            definitions.append(definitions.length() == 0 ? "" : ",").append("{\"Name\":").append(json(m.getKey()))
                    .append(",\"Unit\":").append(json((String) m.getValue()[0])).append('}');
            values.append(',').append(json(m.getKey())).append(':').append(number(m.getValue()[1]));
        }
        return "{\"_aws\":{\"Timestamp\":" + timestamp + ",\"CloudWatchMetrics\":[{\"Namespace\":" + json(namespace)
                + ",\"Dimensions\":[[\"Pattern\",\"Name\"]],\"Metrics\":[" + definitions + "]}]},\"Pattern\":" + json(pattern)
                + ",\"Name\":" + json(name) + values + "}";
    }

    private static String number(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object v : list) {
                b.append(b.length() == 1 ? "" : ",").append(number(v));
            }
            return b.append(']').toString();
        }
        double d = (Double) value;
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String json(String text) {
        return new String(Codecs.jsonString().encode(text), StandardCharsets.UTF_8);
    }

    /**
     * A decorator that flushes after every call, however it ends: the outermost one of a function.
     *
     * @param <I> input type
     * @param <O> output type
     * @return the decorator
     */
    public <I, O> Decorator<I, O> flushing() {
        return handler -> {
            Objects.requireNonNull(handler, "handler");
            Handler<I, O> flushed = (input, invocation) -> {
                try {
                    return handler.handle(input, invocation);
                } finally {
                    flush();
                }
            };
            return flushed;
        };
    }

    @Override
    public String toString() {
        return "EmfMetrics{" + namespace + '}';
    }
}
