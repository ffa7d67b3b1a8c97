package io.github.serverlesspatterns.circuitbreaker.dynamodb;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips per protected call in CLOSED, counted as requests the DynamoDB client really sent. */
@ExtendWith(LocalServicesExtension.class)
class DynamoDbRoundTripTest {

    private static double roundTripsPerCall(MotoService moto, CircuitBreakerConfig config, int calls, long pauseMillis)
            throws InterruptedException {
        AtomicInteger requests = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                requests.incrementAndGet();
            }
        };
        try (DynamoDbClient client = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), counter).build()) {
            DynamoDbCircuitStateStore store = DynamoDbCircuitStateStore.create(client, "circuits-round-trips");
            store.createTableIfMissing();
            Handler<String, String> guarded = Decorators.decorate((in, inv) -> "ok",
                    CircuitBreaker.of("round-trips-" + System.nanoTime(), store, config).decorator());
            requests.set(0);
            for (int i = 0; i < calls; i++) {
                guarded.handle("x", Invocation.builder().build());
                Thread.sleep(pauseMillis);
            }
        }
        return requests.get() / (double) calls;
    }

    @Test
    void closedCalls_costAtMostOneRoundTripEach(MotoService moto) throws InterruptedException {
        double perCall = roundTripsPerCall(moto, CircuitBreakerConfig.ofDefaults(), 100, 0);
        System.out.printf("dynamodb: %.3f round trips per CLOSED call%n", perCall);
        assertTrue(perCall <= 1.0, "round trips per call: " + perCall);
    }

    @Test
    void closedCalls_withTheLocalReadCache_costUnderATenthOfARoundTrip(MotoService moto) throws InterruptedException {
        CircuitBreakerConfig cached = CircuitBreakerConfig.builder().localReadStaleness(Duration.ofMillis(500)).build();
        double perCall = roundTripsPerCall(moto, cached, 300, 2);
        System.out.printf("dynamodb with local read cache (500 ms): %.3f round trips per CLOSED call%n", perCall);
        assertTrue(perCall < 0.1, "round trips per call: " + perCall);
    }
}
