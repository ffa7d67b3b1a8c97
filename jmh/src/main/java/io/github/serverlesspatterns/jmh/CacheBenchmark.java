package io.github.serverlesspatterns.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.cache.CacheConfig;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The cache's hot paths on a real Redis (Debian's Redis 7, started by the kit): a near-cache hit against a Caffeine
 * {@code getIfPresent}, a Redis hit against a raw Lettuce {@code GET}, and a miss (loader plus
 * Redis write) against the bare loader.
 * {@code java -jar jmh/target/benchmarks.jar CacheBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheBenchmark {

    private RedisService redis;
    private CacheAside<String, String> nearCache;
    private CacheAside<String, String> redisOnly;
    private CacheAside<String, String> noReuse;
    private Handler<String, String> near;
    private Handler<String, String> remote;
    private Handler<String, String> missing;
    private Handler<String, String> loader;
    private Cache<String, String> caffeine;
    private StatefulRedisConnection<String, String> raw;
    private RedisCommands<String, String> rawCommands;
    private Invocation invocation;
    private long counter;

    @Setup
    public void setUp() {
        redis = RedisService.start();
        loader = (k, inv) -> "value-of-" + k;
        nearCache = CacheAside.of(redis.client(), CacheConfig.builder("bench-near", (String k) -> k, Codecs.utf8())
                .nearCache(1000, Duration.ofMinutes(10)).ttl(Duration.ofMinutes(10), 0).build());
        redisOnly = CacheAside.of(redis.client(), CacheConfig.builder("bench-redis", (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofMinutes(10), 0).build());
        noReuse = CacheAside.of(redis.client(), CacheConfig.builder("bench-miss", (String k) -> k, Codecs.utf8())
                .ttl(Duration.ofSeconds(5), 0).stampede(CacheConfig.StampedeProtection.NONE).build());
        near = Decorators.decorate(loader, nearCache);
        remote = Decorators.decorate(loader, redisOnly);
        missing = Decorators.decorate(loader, noReuse);
        invocation = Invocation.builder().build();
        near.handle("hot", invocation);
        remote.handle("hot", invocation);
        caffeine = Caffeine.newBuilder().maximumSize(1000).expireAfterWrite(Duration.ofMinutes(10)).build();
        caffeine.put("hot", "value-of-hot");
        raw = redis.client().connect();
        raw.sync().set("raw:hot", "value-of-hot");
        rawCommands = raw.sync();
    }

    @TearDown
    public void tearDown() {
        raw.close();
        nearCache.close();
        redisOnly.close();
        noReuse.close();
        redis.close();
    }

    @Benchmark
    public String nearCacheHit() {
        return near.handle("hot", invocation);
    }

    @Benchmark
    public String caffeineGet() {
        return caffeine.getIfPresent("hot");
    }

    @Benchmark
    public String redisHit() {
        return remote.handle("hot", invocation);
    }

    @Benchmark
    public String rawLettuceGet() {
        return rawCommands.get("raw:hot");
    }

    @Benchmark
    public String missLoadAndStore() {
        return missing.handle("k" + (++counter), invocation);
    }

    @Benchmark
    public String bareLoader() {
        return loader.handle("k" + (++counter), invocation);
    }
}
