package io.github.serverlesspatterns.jmh;

import io.github.serverlesspatterns.core.Randomness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the restore-safe draws cost on the paths that take them (XFetch on every Redis hit in
 * XFETCH mode, TTL jitter on every load, backoff jitter when a circuit opens):
 * {@link Randomness#nextDouble()} against the {@code ThreadLocalRandom} draw it replaced.
 * {@code java -jar jmh/target/benchmarks.jar RandomnessBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RandomnessBenchmark {

    @Benchmark
    public double threadLocalRandom() {
        return ThreadLocalRandom.current().nextDouble();
    }

    @Benchmark
    public double restoreSafe() {
        return Randomness.nextDouble();
    }
}
