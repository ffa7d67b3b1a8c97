package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A breaker that opens, rejects and closes again, as EMF metrics under Pattern=breaker and the circuit's name. */
class CircuitBreakerMetricsTest {

    @Test
    void failuresOpenTheCircuit_rejectionsAndTransitionsAreCounted_andTheStateIsALevel() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        List<String> lines = new ArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Partners", lines::add, clock);
        CircuitBreaker breaker = CircuitBreaker.of("partner-api", new InMemoryCircuitStateStore(), CircuitBreakerConfig.builder()
                .clock(clock).consecutiveFailures(2).waitInOpen(Duration.ofSeconds(10))
                .listener(CircuitBreakerMetricsListener.of(metrics)).build());
        boolean[] up = {false};
        Handler<String, String> call = Decorators.decorate((in, inv) -> {
            if (!up[0]) {
                throw new IllegalStateException("503");
            }
            return "ok";
        }, breaker.decorator());
        Invocation inv = Invocation.builder().clock(clock).build();
        assertThrows(IllegalStateException.class, () -> call.handle("a", inv));
        assertThrows(IllegalStateException.class, () -> call.handle("a", inv));
        assertThrows(CallNotPermittedException.class, () -> call.handle("a", inv));
        metrics.flush();
        var open = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertEquals("breaker", open.path("Pattern").asText());
        assertEquals("partner-api", open.path("Name").asText());
        assertEquals(2, open.path("Failures").asInt());
        assertEquals(1, open.path("TransitionsToOpen").asInt());
        assertEquals(1, open.path("Rejections").asInt());
        assertEquals(2, open.path("State").asInt());
        assertEquals(2, open.path("CallDuration").size());

        up[0] = true;
        clock.advance(Duration.ofSeconds(11));
        for (int i = 0; i < 5; i++) {
            call.handle("a", inv);
        }
        lines.clear();
        metrics.flush();
        var closed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertEquals(0, closed.path("State").asInt(), "closed again: " + lines);
        assertEquals(1, closed.path("TransitionsToClosed").asInt());
        assertEquals(5, closed.path("Successes").asInt());
        assertEquals(breaker.config().permittedProbes(), closed.path("ProbeSuccesses").asInt(), "the probes that closed it: " + lines);
        assertTrue(closed.path("ProbeFailures").isMissingNode());

        up[0] = false; // open again, then a probe that fails
        assertThrows(IllegalStateException.class, () -> call.handle("a", inv));
        assertThrows(IllegalStateException.class, () -> call.handle("a", inv));
        clock.advance(Duration.ofSeconds(30));
        assertThrows(IllegalStateException.class, () -> call.handle("a", inv));
        lines.clear();
        metrics.flush();
        var reopened = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertEquals(1, reopened.path("ProbeFailures").asInt(), lines.toString());
        assertEquals(2, reopened.path("State").asInt(), "open again after the failed probe");
    }
}
