package io.github.serverlesspatterns.examples.p15;

import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.examples.shared.ExampleMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.cache.CacheAside;
import io.github.serverlesspatterns.cache.CacheConfig;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.lettuce.core.AbstractRedisClient;

import java.sql.Connection;
import io.github.serverlesspatterns.examples.shared.Postgres;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pattern 15, Read Heavy Reporting Engine: reports are read from Redis first; only a miss opens a
 * database connection and runs the query (stampede-proof, TTL with jitter, absent reports cached
 * briefly). Change events invalidate through {@link InvalidationFunction}.
 */
public final class ReportFunction implements RequestHandler<Map<String, String>, Map<String, String>> {

    private final RequestHandler<Map<String, String>, Map<String, String>> handler;

    /** Lambda's constructor: {@code REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_USER}, {@code CACHE_NAME} (ReportsRedis), {@code DB_JDBC_URL}, {@code DB_USER}, {@code DB_PASSWORD}. */
    public ReportFunction() {
        this(ReportsRedis.fromEnvironment(),
                Objects.requireNonNull(System.getenv("DB_JDBC_URL"), "DB_JDBC_URL is not set"),
                Objects.requireNonNull(System.getenv("DB_USER"), "DB_USER is not set"),
                Objects.requireNonNull(System.getenv("DB_PASSWORD"), "DB_PASSWORD is not set"),
                ExampleMetrics.onStdout());
    }

    /**
     * @param redis    the Redis client (a cluster client on ElastiCache Serverless)
     * @param jdbcUrl  the reporting database
     * @param user     its user
     * @param password its password
     * @param metrics  where the cache's reads go, flushed after each invocation: on Lambda, EMF on stdout,
     *                 which the template's {@code ReportsCacheHitRatioAlarm} watches
     */
    public ReportFunction(AbstractRedisClient redis, String jdbcUrl, String user, String password, EmfMetrics metrics) {
        Handler<String, String> query = (id, invocation) -> {
            // a new database connection only on a miss
            try (Connection c = Postgres.connect(jdbcUrl, user, password);
                 PreparedStatement s = c.prepareStatement("select total from report_totals where id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("report query failed for " + id + ": " + e.getMessage(), e);
            }
        };
        CacheAside<String, String> cache = CacheAside.of(redis, configBuilder().metrics(metrics).build());
        Handler<String, String> reports = Decorators.decorate(query, cache);
        Handler<Map<String, String>, Map<String, String>> answer = (request, invocation) -> {
            String id = request == null ? null : request.get("reportId");
            if (id == null || !id.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("'reportId' must be 1 to 64 letters, digits or '-'");
            }
            String total = reports.handle(id, invocation);
            return total == null ? Map.of("reportId", id, "status", "not found") : Map.of("reportId", id, "total", total);
        };
        this.handler = LambdaAdapters.toRequestHandler(Decorators.decorate(answer, metrics.flushing()));
    }

    /** @return the cache settings shared with {@link InvalidationFunction} */
    static CacheConfig<String, String> config() {
        return configBuilder().build();
    }

    private static CacheConfig.Builder<String, String> configBuilder() {
        return CacheConfig.builder("reports", (String id) -> id, Codecs.utf8())
                .ttl(Duration.ofMinutes(10), 0.1).negativeTtl(Duration.ofSeconds(30));
    }

    @Override
    public Map<String, String> handleRequest(Map<String, String> request, Context context) {
        return handler.handleRequest(request, context);
    }
}
