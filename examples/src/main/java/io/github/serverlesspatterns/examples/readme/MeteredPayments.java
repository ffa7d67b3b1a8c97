package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerMetricsListener;
import io.github.serverlesspatterns.circuitbreaker.InMemoryCircuitStateStore;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.IdempotencyStore;

import java.util.Map;

/** The README's metrics section: idempotency and a breaker reporting as CloudWatch EMF, flushed after each invocation. Compiled in CI. */
public final class MeteredPayments {

    private MeteredPayments() {
    }

    /**
     * @param store  the idempotency store
     * @param charge the payment
     * @return the handler
     */
    public static Handler<Map<String, String>, String> handler(IdempotencyStore store, Handler<Map<String, String>, String> charge) {
        EmfMetrics metrics = EmfMetrics.create("Payments");          // JSON lines on stdout: Lambda turns them into metrics
        Idempotency<Map<String, String>, String> once = Idempotency.of(store,
                IdempotencyConfig.builder("payments", (Map<String, String> event) -> event.get("paymentId"), Codecs.utf8())
                        .metrics(metrics).build());
        CircuitBreaker bank = CircuitBreaker.of("bank", new InMemoryCircuitStateStore(),
                CircuitBreakerConfig.builder().listener(CircuitBreakerMetricsListener.of(metrics)).build());
        return Decorators.decorate(charge, metrics.flushing(), once, bank.decorator());   // outermost first
    }
}
