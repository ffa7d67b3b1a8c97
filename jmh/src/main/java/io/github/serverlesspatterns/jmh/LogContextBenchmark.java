package io.github.serverlesspatterns.jmh;

import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.logging.LogContext;
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
 * What one MDC scope costs ({@link LogContext#open} and {@code close}: four keys set, four put
 * back): with the no-op MDC a class path without a logging backend gets, and with a working
 * map-based one ({@link MdcOnlyProvider}, as a backend such as Logback has). The figure behind the
 * README's choice not to open a scope around each circuit-breaker call or cache hit.
 * {@code java -jar jmh/target/benchmarks.jar LogContextBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LogContextBenchmark {

    private Invocation invocation;

    @Setup
    public void setUp() {
        invocation = Invocation.builder().requestId("req-1").build();
    }

    private String scope() {
        LogContext.Scope scope = LogContext.open(invocation, "breaker", "partner-quotes", null);
        try {
            return "called";
        } finally {
            scope.close();
        }
    }

    /** No logging backend: slf4j's no-op MDC. */
    @Benchmark
    @Fork(1)
    public String scopeNoOpMdc() {
        return scope();
    }

    /** A working map-based MDC, as with Logback or Log4j 2. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dslf4j.provider=io.github.serverlesspatterns.jmh.MdcOnlyProvider")
    public String scopeWorkingMdc() {
        return scope();
    }
}
