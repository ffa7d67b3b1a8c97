package io.github.serverlesspatterns.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.serverlesspatterns.core.internal.BoundedCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hits on the library's local caches (idempotency local cache, near cache) read by 8 threads at
 * once, as many invocations of one JVM do under Lambda Managed Instances: {@link BoundedCache}
 * against the single-lock LRU it replaced and Caffeine's {@code getIfPresent}.
 * {@code java -jar jmh/target/benchmarks.jar LocalCacheBenchmark -t 8}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(8)
public class LocalCacheBenchmark {

    private static final int KEYS = 1_000;

    private final String[] keys = new String[KEYS];
    private BoundedCache<String> bounded;
    private Map<String, String> lockedLru;
    private Cache<String, String> caffeine;

    @Setup
    public void setUp() {
        bounded = new BoundedCache<>(KEYS);
        lockedLru = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > KEYS;
            }
        };
        caffeine = Caffeine.newBuilder().maximumSize(KEYS).expireAfterWrite(Duration.ofMinutes(10)).build();
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
            bounded.put(keys[i], "v" + i, Long.MAX_VALUE);
            lockedLru.put(keys[i], "v" + i);
            caffeine.put(keys[i], "v" + i);
        }
    }

    private String key() {
        return keys[ThreadLocalRandom.current().nextInt(KEYS)];
    }

    @Benchmark
    public String boundedCacheHit() {
        return bounded.get(key(), 0);
    }

    @Benchmark
    public String singleLockLruHit() {
        String k = key();
        synchronized (lockedLru) {
            return lockedLru.get(k);
        }
    }

    @Benchmark
    public String caffeineHit() {
        return caffeine.getIfPresent(key());
    }
}
