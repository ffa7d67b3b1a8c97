package io.github.serverlesspatterns.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The local services one test run or local run uses, each started lazily on first request and
 * stopped by {@link #close()} in the reverse order.
 *
 * <p>Each service can be pointed at an external endpoint instead of being started, through the
 * environment given to {@link #fromEnvironment(Map)}:
 * <ul>
 *   <li>{@value #SQS_ENDPOINT_ENV}: an SQS-compatible endpoint (e.g. ElasticMQ);</li>
 *   <li>{@value #MOTO_ENDPOINT_ENV}: a moto server (DynamoDB, Streams, SNS, Kinesis);</li>
 *   <li>{@value #REDIS_URI_ENV}: a Redis URI such as {@code redis://127.0.0.1:6379};</li>
 *   <li>{@value #POSTGRES_JDBC_URL_ENV} with {@value #POSTGRES_USER_ENV} and
 *       {@value #POSTGRES_PASSWORD_ENV}: a PostgreSQL server.</li>
 * </ul>
 * The Lambda endpoint always runs in this JVM, since it hosts this JVM's handlers.
 *
 * <p>In JUnit 5 tests use {@link LocalServicesExtension}, which keeps one instance per test JVM.
 * Thread-safe.
 */
public final class LocalServices implements AutoCloseable {

    /** Environment variable naming an external SQS endpoint. */
    public static final String SQS_ENDPOINT_ENV = "SERVERLESS_PATTERNS_SQS_ENDPOINT";
    /** Environment variable naming an external moto endpoint. */
    public static final String MOTO_ENDPOINT_ENV = "SERVERLESS_PATTERNS_MOTO_ENDPOINT";
    /** Environment variable naming an external Redis URI. */
    public static final String REDIS_URI_ENV = "SERVERLESS_PATTERNS_REDIS_URI";
    /** Environment variable naming an external PostgreSQL JDBC URL. */
    public static final String POSTGRES_JDBC_URL_ENV = "SERVERLESS_PATTERNS_POSTGRES_JDBC_URL";
    /** Environment variable with the external PostgreSQL user (default {@code postgres}). */
    public static final String POSTGRES_USER_ENV = "SERVERLESS_PATTERNS_POSTGRES_USER";
    /** Environment variable with the external PostgreSQL password (default {@code postgres}). */
    public static final String POSTGRES_PASSWORD_ENV = "SERVERLESS_PATTERNS_POSTGRES_PASSWORD";

    private static final Logger LOG = LoggerFactory.getLogger(LocalServices.class);

    private final Map<String, String> environment;
    private final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
    private SqsService sqs;
    private MotoService moto;
    private RedisService redis;
    private RedisService valkey;
    private RedisService securedRedis;
    private RedisClusterService redisCluster;
    private PostgresService postgres;
    private LambdaService lambda;
    private boolean closed;

    private LocalServices(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Services that start locally unless the given environment names external endpoints.
     *
     * @param environment usually {@code System.getenv()}
     * @return the (not yet started) services
     */
    public static LocalServices fromEnvironment(Map<String, String> environment) {
        return new LocalServices(environment);
    }

    /** @return services that all start locally */
    public static LocalServices local() {
        return new LocalServices(Map.of());
    }

    /** @return SQS (ElasticMQ), started on first call */
    public synchronized SqsService sqs() {
        if (sqs == null) {
            String external = environment.get(SQS_ENDPOINT_ENV);
            sqs = track("SQS", () -> external != null ? SqsService.external(URI.create(external)) : SqsService.start());
        }
        return sqs;
    }

    /** @return moto (DynamoDB, Streams, SNS, Kinesis), started on first call */
    public synchronized MotoService moto() {
        if (moto == null) {
            String external = environment.get(MOTO_ENDPOINT_ENV);
            moto = track("moto", () -> external != null ? MotoService.external(URI.create(external)) : MotoService.start());
        }
        return moto;
    }

    /** @return Redis, started on first call */
    public synchronized RedisService redis() {
        if (redis == null) {
            String external = environment.get(REDIS_URI_ENV);
            redis = track("Redis", () -> external != null ? RedisService.external(external) : RedisService.start());
        }
        return redis;
    }

    /** @return Valkey 8, standalone, started on first call (always local) */
    public synchronized RedisService valkey() {
        if (valkey == null) {
            valkey = track("Valkey", RedisService::valkey);
        }
        return valkey;
    }

    /** @return Redis 7 with TLS and an ACL user, started on first call (always local) */
    public synchronized RedisService securedRedis() {
        if (securedRedis == null) {
            securedRedis = track("Redis (TLS, ACL)", RedisService::secured);
        }
        return securedRedis;
    }

    /** @return a Redis 7 cluster of three masters, started on first call (always local) */
    public synchronized RedisClusterService redisCluster() {
        if (redisCluster == null) {
            redisCluster = track("Redis cluster", RedisClusterService::start);
        }
        return redisCluster;
    }

    /** @return PostgreSQL, started on first call */
    public synchronized PostgresService postgres() {
        if (postgres == null) {
            String external = environment.get(POSTGRES_JDBC_URL_ENV);
            postgres = track("PostgreSQL", () -> external != null
                    ? PostgresService.external(external, environment.getOrDefault(POSTGRES_USER_ENV, "postgres"),
                    environment.getOrDefault(POSTGRES_PASSWORD_ENV, "postgres"))
                    : PostgresService.start());
        }
        return postgres;
    }

    /** @return the in-JVM Lambda Invoke endpoint, started on first call */
    public synchronized LambdaService lambda() {
        if (lambda == null) {
            lambda = track("Lambda", LambdaService::start);
        }
        return lambda;
    }

    private <T extends AutoCloseable> T track(String what, Supplier<T> starter) {
        if (closed) {
            throw new IllegalStateException("local services are closed; cannot start " + what);
        }
        long t0 = System.nanoTime();
        T service = starter.get();
        started.add(service);
        LOG.info("started {} in {} ms: {}", what, (System.nanoTime() - t0) / 1_000_000, service);
        return service;
    }

    /** Stops every service this instance started, newest first. */
    @Override
    public synchronized void close() {
        closed = true;
        List<AutoCloseable> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        for (AutoCloseable service : reverse) {
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed", service, e);
            }
        }
        started.clear();
    }
}
