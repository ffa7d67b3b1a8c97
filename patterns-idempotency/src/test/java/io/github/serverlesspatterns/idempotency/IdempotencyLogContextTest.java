package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.logging.LogContext;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines logged while a claimed key runs carry the request id, the pattern, the name and the key's digest; never the raw key. */
class IdempotencyLogContextTest {

    @Test
    void theHandlerRunsUnderTheMdcKeys_andTheCallersOwnValuesComeBackAfter() {
        List<String> seen = new ArrayList<>();
        Idempotency<String, String> once = Idempotency.of(new InMemoryIdempotencyStore(),
                IdempotencyConfig.builder("payments", (String key) -> key, Codecs.utf8()).build());
        Handler<String, String> pay = Decorators.decorate((key, inv) -> {
            seen.add(MDC.get(LogContext.REQUEST_ID) + "|" + MDC.get(LogContext.PATTERN) + "|" + MDC.get(LogContext.NAME) + "|"
                    + MDC.get(LogContext.KEY));
            return "paid";
        }, once);
        MDC.put(LogContext.PATTERN, "outer");
        try {
            pay.handle("card-4111", Invocation.builder().requestId("req-1").build());
            assertEquals("outer", MDC.get(LogContext.PATTERN), "the caller's value is put back");
            assertEquals(null, MDC.get(LogContext.KEY));
        } finally {
            MDC.clear();
        }
        assertEquals(1, seen.size());
        String[] keys = seen.get(0).split("\\|");
        assertEquals(List.of("req-1", "idempotency", "payments"), List.of(keys[0], keys[1], keys[2]));
        assertTrue(keys[3].startsWith("payments#") && !keys[3].contains("card-4111"), "a digest, not the key: " + keys[3]);
    }
}
