package io.github.serverlesspatterns.circuitbreaker;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.github.serverlesspatterns.core.DeadlineExceededException;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.http.HttpApi;
import io.github.serverlesspatterns.core.http.RestApi;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An open circuit behind API Gateway: 503 with Retry-After from the next probe time, as a problem document; never its message. */
class CircuitOpenOverHttpTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final Invocation invocation = Invocation.builder().clock(clock).build();

    @Test
    void anOpenCircuit_is503_withRetryAfterTheNextProbe_onBothFormats() {
        CallNotPermittedException open = new CallNotPermittedException("partner-api", CircuitBreaker.State.OPEN,
                clock.instant().plus(Duration.ofMillis(12_300)), "circuit 'partner-api' is OPEN since the table partner-circuits said so");
        Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> v2 = HttpApi.answerProblems((request, inv) -> {
            throw open;
        });
        APIGatewayV2HTTPResponse answer = v2.handle(new APIGatewayV2HTTPEvent(), invocation);
        assertEquals(503, answer.getStatusCode());
        assertEquals("13", answer.getHeaders().get("Retry-After"), "12.3 s to the next probe, rounded up");
        assertEquals("application/problem+json", answer.getHeaders().get("Content-Type"));
        assertEquals("{\"type\":\"urn:serverless-patterns:problem:circuit-open\",\"title\":\"A service this request needs is unavailable;"
                + " retry later\",\"status\":503}", answer.getBody());
        assertTrue(!answer.getBody().contains("partner"), "no circuit or table name to a public caller");

        Handler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> v1 = RestApi.answerProblems((request, inv) -> {
            throw new DeadlineExceededException("call to function 'pricing'", inv);
        });
        APIGatewayProxyResponseEvent late = v1.handle(new APIGatewayProxyRequestEvent(), invocation);
        assertEquals(504, late.getStatusCode());
        assertTrue(late.getBody().contains("deadline-exceeded") && !late.getBody().contains("pricing"), late.getBody());
        assertTrue(!late.getHeaders().containsKey("Retry-After"));
    }

    @Test
    void anyOtherException_passesThrough_unchanged() {
        IllegalStateException yours = new IllegalStateException("yours");
        Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> v2 = HttpApi.answerProblems((request, inv) -> {
            throw yours;
        });
        assertSame(yours, assertThrows(IllegalStateException.class, () -> v2.handle(new APIGatewayV2HTTPEvent(), invocation)));
    }
}
