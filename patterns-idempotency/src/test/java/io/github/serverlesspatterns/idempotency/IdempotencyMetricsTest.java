package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the decorator does, as EMF metrics under Pattern=idempotency and the config's name; never a key as a dimension. */
class IdempotencyMetricsTest {

    @Test
    void claimsReplaysMismatchesAndMissingKeys_areCounted_andStoreCallsTimed() throws Exception {
        List<String> lines = new ArrayList<>();
        EmfMetrics metrics = EmfMetrics.create("Orders", lines::add, Clock.systemUTC());
        Idempotency<String[], String> once = Idempotency.of(new InMemoryIdempotencyStore(),
                IdempotencyConfig.builder("payments", (String[] in) -> in[0], Codecs.utf8()).payload(in -> in[1]).metrics(metrics).build());
        Handler<String[], String> pay = Decorators.decorate((in, inv) -> "paid " + in[1], metrics.flushing(), once);
        Invocation inv = Invocation.builder().build();
        pay.handle(new String[] {"key-secret-1", "10"}, inv);
        pay.handle(new String[] {"key-secret-1", "10"}, inv);
        assertThrows(IdempotencyPayloadMismatchException.class, () -> pay.handle(new String[] {"key-secret-1", "99"}, inv));
        assertThrows(IdempotencyKeyMissingException.class, () -> pay.handle(new String[] {null, "10"}, inv));
        assertEquals(4, lines.size(), "one document per invocation (flushed by the outermost decorator)");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        int claims = 0;
        int replays = 0;
        int mismatches = 0;
        int missing = 0;
        int storeTimings = 0;
        for (String line : lines) {
            assertTrue(!line.contains("key-secret-1"), "a key never reaches a metric: " + line);
            var doc = json.readTree(line);
            assertEquals("idempotency", doc.path("Pattern").asText());
            assertEquals("payments", doc.path("Name").asText());
            assertEquals("[[\"Pattern\",\"Name\"]]", doc.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
            claims += doc.path("Claims").asInt();
            replays += doc.path("Replays").asInt();
            mismatches += doc.path("PayloadMismatches").asInt();
            missing += doc.path("MissingKeys").asInt();
            storeTimings += doc.path("StoreLatency").size();
        }
        assertEquals(List.of(1, 1, 1, 1), List.of(claims, replays, mismatches, missing));
        assertEquals(4, storeTimings, "claim + complete, the repeat's claim, the mismatch's claim");
    }
}
