package io.github.serverlesspatterns.jmh;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.core.metrics.Metrics;
import io.github.serverlesspatterns.core.micrometer.MicrometerMetrics;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * What metrics cost on a decorated hot path: the idempotency decorator's repeat call (a replay
 * from the in-memory store: a claim that finds the record, a decode, two metric updates - a
 * {@code Replays} count and a {@code StoreLatency} time) with metrics off, with {@link EmfMetrics}
 * recording (documents flushed elsewhere, as once per invocation), with {@code EmfMetrics}
 * flushing a document after every call (its {@code flushing()} decorator; the document is built, then
 * discarded instead of printed), and with {@link MicrometerMetrics} on a
 * {@code SimpleMeterRegistry}; and the two updates alone on each backend's handles, which is
 * the metrics' own cost with less noise than the difference of two whole-path runs.
 * {@code java -jar jmh/target/benchmarks.jar MetricsBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {

    private Handler<String, String> off;
    private Handler<String, String> emf;
    private Handler<String, String> emfFlushedEachCall;
    private Handler<String, String> micrometer;
    private EmfMetrics recording;
    private Invocation invocation;
    private long calls;
    /** Where documents go instead of stdout: read, so the JIT cannot drop writing them. */
    private static volatile int documentChars;

    private static void discard(String document) {
        documentChars = document.length();
    }

    private static Handler<String, String> repeat(Metrics metrics, String name) {
        Handler<String, String> bare = (in, inv) -> "receipt-" + in.length();
        return Decorators.decorate(bare, Idempotency.of(new InMemoryIdempotencyStore(),
                IdempotencyConfig.<String, String>builder(name, k -> k, Codecs.utf8()).metrics(metrics).build()));
    }

    @Setup
    public void setUp() {
        invocation = Invocation.builder().requestId("bench").build();
        off = repeat(Metrics.none(), "off");
        recording = EmfMetrics.create("Bench", MetricsBenchmark::discard, Clock.systemUTC());
        emf = repeat(recording, "emf");
        EmfMetrics flushed = EmfMetrics.create("Bench", MetricsBenchmark::discard, Clock.systemUTC());
        emfFlushedEachCall = Decorators.decorate(repeat(flushed, "emf-flushed"), flushed.flushing());
        micrometer = repeat(MicrometerMetrics.of(new SimpleMeterRegistry()), "micrometer");
        for (Handler<String, String> h : java.util.List.of(off, emf, emfFlushedEachCall, micrometer)) {
            h.handle("order-repeat", invocation);
        }
    }

    @Benchmark
    public String repeatCallMetricsOff() {
        return off.handle("order-repeat", invocation);
    }

    @Benchmark
    public String repeatCallEmfRecording() {
        if ((++calls & 1023) == 0) {
            recording.flush(); // as once per invocation: keeps the buffer bounded without a document per call
        }
        return emf.handle("order-repeat", invocation);
    }

    @Benchmark
    public String repeatCallEmfFlushedEachCall() {
        return emfFlushedEachCall.handle("order-repeat", invocation);
    }

    @Benchmark
    public String repeatCallMicrometer() {
        return micrometer.handle("order-repeat", invocation);
    }

    private Metrics.BoundCounter emfCounter;
    private Metrics.BoundTimer emfTimer;
    private Metrics.BoundCounter micrometerCounter;
    private Metrics.BoundTimer micrometerTimer;
    private long elapsed = 1_234_567;

    @Setup
    public void handles() {
        EmfMetrics handles = EmfMetrics.create("Bench", MetricsBenchmark::discard, Clock.systemUTC());
        emfCounter = handles.counter("idempotency", "handles", "Replays");
        emfTimer = handles.timer("idempotency", "handles", "StoreLatency");
        MicrometerMetrics meters = MicrometerMetrics.of(new SimpleMeterRegistry());
        micrometerCounter = meters.counter("idempotency", "handles", "Replays");
        micrometerTimer = meters.timer("idempotency", "handles", "StoreLatency");
    }

    /** The two updates of the replay path alone, on {@link EmfMetrics}' handles (samples past 100 per flush are counted as dropped). */
    @Benchmark
    public void twoUpdatesEmf() {
        emfCounter.add(1);
        emfTimer.record(elapsed);
    }

    /** The same two updates on Micrometer's meters ({@code SimpleMeterRegistry}). */
    @Benchmark
    public void twoUpdatesMicrometer() {
        micrometerCounter.add(1);
        micrometerTimer.record(elapsed);
    }
}
