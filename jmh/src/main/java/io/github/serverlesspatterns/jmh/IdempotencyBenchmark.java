package io.github.serverlesspatterns.jmh;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.InMemoryIdempotencyStore;
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
 * The idempotency decorator's own cost with the in-memory store (no I/O): a first call (claim,
 * run, complete; a new key each time), a repeat (one claim that finds the completed record and
 * replays it), a repeat served by the local cache, and the bare handler.
 * {@code java -jar jmh/target/benchmarks.jar IdempotencyBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IdempotencyBenchmark {

    private Handler<String, String> bare;
    private Handler<String, String> decorated;
    private Handler<String, String> cached;
    private InMemoryIdempotencyStore store;
    private Invocation invocation;
    private long counter;

    @Setup
    public void setUp() {
        bare = (in, inv) -> "receipt-" + in.length();
        store = new InMemoryIdempotencyStore();
        decorated = Decorators.decorate(bare,
                Idempotency.of(store, IdempotencyConfig.<String, String>builder("bench", k -> k, Codecs.utf8()).build()));
        cached = Decorators.decorate(bare,
                Idempotency.of(store, IdempotencyConfig.<String, String>builder("bench-cached", k -> k, Codecs.utf8())
                        .localCache(1024).build()));
        invocation = Invocation.builder().requestId("bench").build();
        decorated.handle("order-repeat", invocation);
        cached.handle("order-repeat", invocation);
    }

    @Benchmark
    public String bareHandler() {
        return bare.handle("order-repeat", invocation);
    }

    @Benchmark
    public String firstCall() {
        // a new key each time: claim + run + complete; clear every 1024 calls to bound memory
        if ((++counter & 1023) == 0) {
            store.clear();
        }
        return decorated.handle("order-" + counter, invocation);
    }

    @Benchmark
    public String repeatCall() {
        return decorated.handle("order-repeat", invocation);
    }

    @Benchmark
    public String repeatCallWithLocalCache() {
        return cached.handle("order-repeat", invocation);
    }
}
