package io.github.serverlesspatterns.core;

import com.amazonaws.services.lambda.runtime.Context;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvocationTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void fromContext_deadlineIsNowPlusRemainingTime() {
        Context context = Mockito.mock(Context.class);
        Mockito.when(context.getAwsRequestId()).thenReturn("req-1");
        Mockito.when(context.getFunctionName()).thenReturn("orders");
        Mockito.when(context.getRemainingTimeInMillis()).thenReturn(3000);

        Invocation invocation = Invocation.fromContext(context, Clock.fixed(T0, ZoneOffset.UTC));

        assertEquals("req-1", invocation.requestId());
        assertEquals("orders", invocation.functionName());
        assertEquals(T0.plusMillis(3000), invocation.deadline());
        assertSame(context, invocation.lambdaContext().orElseThrow());
    }

    @Test
    void fromContext_withoutRequestId_isRejected() {
        Context context = Mockito.mock(Context.class);
        Mockito.when(context.getFunctionName()).thenReturn("orders");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Invocation.fromContext(context));
        assertTrue(e.getMessage().contains("request id"));
    }

    @Test
    void remainingTime_followsTheClock_andNeverGoesNegative() {
        MutableClock clock = new MutableClock(T0);
        Invocation invocation = Invocation.builder().clock(clock).timeout(Duration.ofSeconds(10)).build();
        assertEquals(Duration.ofSeconds(10), invocation.remainingTime());
        clock.now = T0.plusSeconds(4);
        assertEquals(Duration.ofSeconds(6), invocation.remainingTime());
        clock.now = T0.plusSeconds(11);
        assertEquals(Duration.ZERO, invocation.remainingTime());
    }

    @Test
    void builder_defaults_areDocumented() {
        Invocation invocation = Invocation.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
        assertEquals(Invocation.DEFAULT_FUNCTION_NAME, invocation.functionName());
        assertEquals(T0.plus(Invocation.DEFAULT_TIMEOUT), invocation.deadline());
        assertTrue(invocation.lambdaContext().isEmpty());
    }

    @Test
    void builder_rejectsBadValuesAtTheSetter_andConflictsAtBuild() {
        assertThrows(NullPointerException.class, () -> Invocation.builder().requestId(null));
        assertThrows(IllegalArgumentException.class, () -> Invocation.builder().functionName(""));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Invocation.builder().timeout(Duration.ofSeconds(-1)));
        assertTrue(negative.getMessage().contains("PT-1S"), negative.getMessage());
        assertThrows(IllegalStateException.class,
                () -> Invocation.builder().deadline(T0).timeout(Duration.ofSeconds(1)).build());
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
