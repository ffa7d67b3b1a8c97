package io.github.serverlesspatterns.core.micrometer;

import io.micrometer.core.instrument.DistributionSummary;
import io.github.serverlesspatterns.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reports the patterns' metrics to a Micrometer {@link MeterRegistry}, for functions that already
 * publish through Micrometer (to CloudWatch, Prometheus, Datadog...). Each metric of the library
 * (README "Metrics") becomes a meter named {@code serverless.patterns.<metric>} in Micrometer's
 * dotted lower-case style ({@code Replays} -> {@code serverless.patterns.replays},
 * {@code StoreLatency} -> {@code serverless.patterns.store.latency}) with two tags, {@code pattern}
 * and {@code name}: counts are counters, durations timers, sizes distribution summaries (base unit
 * {@code bytes}), levels gauges. The tags are bounded as
 * the library's dimensions are: never a key or a payload.
 *
 * <pre>{@code
 * Metrics metrics = MicrometerMetrics.of(registry);
 * IdempotencyConfig.builder("payments", ...).metrics(metrics) ...
 * }</pre>
 *
 * Meters are looked up once per (pattern, name, metric) and kept. Thread-safe.
 */
public final class MicrometerMetrics implements Metrics {

    /** The prefix of every meter's name: {@value}. */
    public static final String PREFIX = "serverless.patterns.";

    private final MeterRegistry registry;
    private final Meters<Counter> counters = new Meters<>();
    private final Meters<Timer> timers = new Meters<>();
    private final Meters<DistributionSummary> sizes = new Meters<>();
    /** A gauge's value as double bits; the table holds it strongly (Micrometer's gauges hold their objects weakly). */
    private final Meters<AtomicLong> levels = new Meters<>();

    /** pattern -> name -> metric -> meter; a known meter is found without allocating. */
    private static final class Meters<M> {
        private final Map<String, Map<String, Map<String, M>>> table = new ConcurrentHashMap<>();

        M get(String pattern, String name, String metric) {
            Map<String, Map<String, M>> byName = table.get(pattern);
            Map<String, M> byMetric = byName == null ? null : byName.get(name);
            return byMetric == null ? null : byMetric.get(metric);
        }

        M create(String pattern, String name, String metric, Supplier<M> meter) {
            return table.computeIfAbsent(pattern, p -> new ConcurrentHashMap<>()).computeIfAbsent(name, n -> new ConcurrentHashMap<>())
                    .computeIfAbsent(metric, m -> meter.get());
        }
    }

    private MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param registry where the meters go
     * @return metrics that report there
     */
    public static MicrometerMetrics of(MeterRegistry registry) {
        return new MicrometerMetrics(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void count(String pattern, String name, String metric, long delta) {
        meterCounter(pattern, name, metric).increment(delta);
    }

    @Override
    public void time(String pattern, String name, String metric, long nanos) {
        meterTimer(pattern, name, metric).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void bytes(String pattern, String name, String metric, long bytes) {
        DistributionSummary summary = sizes.get(pattern, name, metric);
        if (summary == null) {
            summary = sizes.create(pattern, name, metric, () -> DistributionSummary.builder(meterName(metric)).baseUnit("bytes")
                    .tag("pattern", pattern).tag("name", name).register(registry));
        }
        summary.record(bytes);
    }

    @Override
    public BoundCounter counter(String pattern, String name, String metric) {
        Counter counter = meterCounter(pattern, name, metric);
        return counter::increment;
    }

    @Override
    public BoundTimer timer(String pattern, String name, String metric) {
        Timer timer = meterTimer(pattern, name, metric);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter meterCounter(String pattern, String name, String metric) {
        Counter counter = counters.get(pattern, name, metric);
        return counter != null ? counter : counters.create(pattern, name, metric, () -> Counter.builder(meterName(metric))
                .tag("pattern", pattern).tag("name", name).register(registry));
    }

    private Timer meterTimer(String pattern, String name, String metric) {
        Timer timer = timers.get(pattern, name, metric);
        return timer != null ? timer : timers.create(pattern, name, metric, () -> Timer.builder(meterName(metric))
                .tag("pattern", pattern).tag("name", name).register(registry));
    }

    @Override
    public void level(String pattern, String name, String metric, double value) {
        AtomicLong bits = levels.get(pattern, name, metric);
        if (bits == null) {
            bits = levels.create(pattern, name, metric, () -> {
                AtomicLong created = new AtomicLong();
                Gauge.builder(meterName(metric), created, b -> Double.longBitsToDouble(b.get()))
                        .tag("pattern", pattern).tag("name", name).register(registry);
                return created;
            });
        }
        bits.set(Double.doubleToLongBits(value));
    }

    /**
     * @param metric a metric of the library, in its CloudWatch spelling ({@code StoreLatency})
     * @return its Micrometer name ({@code serverless.patterns.store.latency})
     */
    public static String meterName(String metric) {
        StringBuilder b = new StringBuilder(PREFIX);
        for (int i = 0; i < metric.length(); i++) {
            char c = metric.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    b.append('.');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
