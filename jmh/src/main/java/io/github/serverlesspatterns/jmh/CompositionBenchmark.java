package io.github.serverlesspatterns.jmh;

import io.github.serverlesspatterns.core.Decorator;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
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

import java.util.concurrent.TimeUnit;

/**
 * What composition costs: a bare handler against the same handler under 1 and 5 no-op
 * decorators. Run with the GC profiler to see allocation per call:
 * {@code java -jar jmh/target/benchmarks.jar CompositionBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompositionBenchmark {

    private Handler<Long, Long> bare;
    private Handler<Long, Long> oneDecorator;
    private Handler<Long, Long> fiveDecorators;
    private Invocation invocation;
    private long input;

    private static Decorator<Long, Long> noOp() {
        return next -> (in, inv) -> next.handle(in, inv);
    }

    @Setup
    public void setUp() {
        bare = (in, inv) -> in + 1;
        oneDecorator = Decorators.decorate(bare, noOp());
        fiveDecorators = Decorators.decorate(bare, noOp(), noOp(), noOp(), noOp(), noOp());
        invocation = Invocation.builder().requestId("bench").build();
        input = 41L;
    }

    @Benchmark
    public Long bareHandler() {
        return bare.handle(input, invocation);
    }

    @Benchmark
    public Long oneNoOpDecorator() {
        return oneDecorator.handle(input, invocation);
    }

    @Benchmark
    public Long fiveNoOpDecorators() {
        return fiveDecorators.handle(input, invocation);
    }
}
