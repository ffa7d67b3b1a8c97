package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.redis.RedisCircuitStateStore;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.lettuce.core.RedisClient;

import java.time.Duration;

/**
 * The README's Circuit Breaker section (patterns-circuitbreaker): one breaker shared by every
 * instance through Redis, around a partner API call, with a fallback. Compiled in CI so the
 * README cannot drift.
 */
public final class PartnerBreaker {

    /** A quote request. @param sku the product */
    public record Quote(String sku) {
    }

    /** A price. @param amount the amount @param cached whether it is the last known one */
    public record Price(long amount, boolean cached) {
        /**
         * @param quote the request
         * @return the last known price (a stand-in here)
         */
        public static Price cached(Quote quote) {
            return new Price(0, true);
        }
    }

    private PartnerBreaker() {
    }

    /**
     * @param redisClient    the Lettuce client
     * @param callPartnerApi the partner call
     * @return the guarded call
     */
    public static Handler<Quote, Price> guard(RedisClient redisClient, Handler<Quote, Price> callPartnerApi) {
        CircuitBreaker breaker = CircuitBreaker.of("partner-api", RedisCircuitStateStore.create(redisClient),
                CircuitBreakerConfig.builder()
                        .consecutiveFailures(5)                       // or .failureRate(50, 100, 20)
                        .slowCallDuration(Duration.ofSeconds(2))      // a slow call counts as a failure
                        .waitInOpen(Duration.ofSeconds(30))
                        .backoff(2.0, Duration.ofMinutes(5))          // each failed probe doubles the wait, capped
                        .halfOpen(2, 3)                               // 2 probes at a time cluster-wide, 3 successes close
                        .build());
        Handler<Quote, Price> guarded = Decorators.decorate(callPartnerApi,
                breaker.decorator((quote, inv, rejected) -> Price.cached(quote)));   // optional fallback
        return guarded;
    }
}
