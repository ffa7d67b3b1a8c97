package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Invocation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {

    private final List<String> handled = new CopyOnWriteArrayList<>();

    private Router.Builder<Map<String, String>> router() {
        return Router.<Map<String, String>>builder(e -> e.get("type"))
                .route("refund", (e, inv) -> handled.add("refund " + e))
                .route("invoice", (e, inv) -> handled.add("invoice " + e.get("id") + " for " + e.get("customer")))
                .enrich(e -> e.containsKey("customer") ? e : merge(e, Map.of("customer", "anonymous")));
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        java.util.Map<String, String> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }

    @Test
    void eachEvent_goesToTheRouteItsKeyNames_enriched() {
        Router<Map<String, String>> r = router().build();
        assertEquals("invoice", r.handle(Map.of("type", "invoice", "id", "i-1"), Invocation.builder().build()));
        assertEquals(List.of("invoice i-1 for anonymous"), handled);
    }

    @Test
    void unknownRoute_isAClearError_neverASilentDrop() {
        UnknownRouteException e = assertThrows(UnknownRouteException.class,
                () -> router().build().handle(Map.of("type", "chargeback"), Invocation.builder().build()));
        assertTrue(e.getMessage().contains("no route 'chargeback'") && e.getMessage().contains("refund"), e.getMessage());
        assertTrue(handled.isEmpty());
    }

    @Test
    void unknownRoute_goesToTheDeadLetterSinkWhenOneIsSet() {
        List<String> dead = new CopyOnWriteArrayList<>();
        Router<Map<String, String>> r = router().unknownRoutesTo((e, key) -> dead.add(key)).build();
        assertEquals("dead-letter", r.handle(Map.of("type", "chargeback"), Invocation.builder().build()));
        assertEquals(List.of("chargeback"), dead);
    }

    @Test
    void asyncRoute_sendsTheEventToItsFunction() {
        List<String> sent = new CopyOnWriteArrayList<>();
        Invoker<Map<String, String>, Void> target = new Invoker<>() {
            @Override
            public Void call(Map<String, String> request, Invocation invocation) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void send(Map<String, String> request, Invocation invocation) {
                sent.add(request.get("id"));
            }
        };
        Router<Map<String, String>> r = Router.<Map<String, String>>builder(e -> e.get("type")).asyncRoute("refund", target).build();
        r.handle(Map.of("type", "refund", "id", "r-9"), Invocation.builder().build());
        assertEquals(List.of("r-9"), sent);
    }
}
