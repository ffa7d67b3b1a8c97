package io.github.serverlesspatterns.jmh;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.InMemoryCircuitStateStore;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The CLOSED path: a bare call, our breaker on the in-memory store, and Resilience4j 2.4.0's
 * breaker (defaults), each around the same trivial call.
 * {@code java -jar jmh/target/benchmarks.jar CircuitBreakerBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CircuitBreakerBenchmark {

    private Handler<Long, Long> bare;
    private Handler<Long, Long> ours;
    private Handler<Long, Long> oursTimed;
    private Supplier<Long> resilience4j;
    private Invocation invocation;
    private long input;

    @Setup
    public void setUp() {
        bare = (in, inv) -> in + 1;
        ours = Decorators.decorate(bare, CircuitBreaker.of("bench", new InMemoryCircuitStateStore(),
                CircuitBreakerConfig.ofDefaults()).decorator());
        // with a slow-call duration each call is timed (a Ticker reading before and after)
        oursTimed = Decorators.decorate(bare, CircuitBreaker.of("bench-timed", new InMemoryCircuitStateStore(),
                CircuitBreakerConfig.builder().slowCallDuration(Duration.ofSeconds(1)).build()).decorator());
        io.github.resilience4j.circuitbreaker.CircuitBreaker r4j = CircuitBreakerRegistry.ofDefaults().circuitBreaker("bench");
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4j, () -> input + 1);
        invocation = Invocation.builder().requestId("bench").build();
        input = 41L;
    }

    @Benchmark
    public Long bareCall() {
        return bare.handle(input, invocation);
    }

    @Benchmark
    public Long oursInMemoryClosed() {
        return ours.handle(input, invocation);
    }

    @Benchmark
    public Long oursInMemoryClosedTimed() {
        return oursTimed.handle(input, invocation);
    }

    @Benchmark
    public Long resilience4jClosed() {
        return resilience4j.get();
    }
}
