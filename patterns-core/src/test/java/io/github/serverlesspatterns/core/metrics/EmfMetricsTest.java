package io.github.serverlesspatterns.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documents are valid CloudWatch Embedded Metric Format, checked against the specification's rules. */
class EmfMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The units CloudWatch accepts (the EMF specification's list). */
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
            "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
            "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
            "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");

    private final List<String> lines = new ArrayList<>();
    private final EmfMetrics metrics = EmfMetrics.create("ServerlessPatterns", lines::add,
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    /** Checks one document against the EMF specification and returns it parsed. */
    static JsonNode valid(String line) throws Exception {
        JsonNode doc = JSON.readTree(line);
        JsonNode aws = doc.path("_aws");
        assertTrue(aws.path("Timestamp").isIntegralNumber(), "Timestamp: epoch milliseconds");
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertTrue(directives.isArray() && directives.size() == 1, "one metric directive");
        for (JsonNode directive : directives) {
            String namespace = directive.path("Namespace").asText();
            assertTrue(!namespace.isEmpty() && namespace.length() <= 255, "Namespace");
            assertTrue(directive.path("Dimensions").isArray());
            for (JsonNode set : directive.path("Dimensions")) {
                assertTrue(set.isArray() && set.size() >= 1 && set.size() <= 30, "a dimension set has 1 to 30 keys");
                for (JsonNode key : set) {
                    assertTrue(doc.path(key.asText()).isTextual(), "dimension " + key + " is a string member of the root");
                }
            }
            JsonNode defined = directive.path("Metrics");
            assertTrue(defined.isArray() && defined.size() >= 1 && defined.size() <= EmfMetrics.MAX_METRICS, "1 to 100 metrics");
            Set<String> names = new HashSet<>();
            for (JsonNode metric : defined) {
                String name = metric.path("Name").asText();
                assertTrue(!name.isEmpty() && name.length() <= 1024 && names.add(name), "metric names: unique, 1 to 1024 characters");
                assertTrue(UNITS.contains(metric.path("Unit").asText()), "unit " + metric.path("Unit"));
                JsonNode value = doc.path(name);
                assertTrue(value.isNumber() || value.isArray() && value.size() <= EmfMetrics.MAX_VALUES
                        && java.util.stream.StreamSupport.stream(value.spliterator(), false).allMatch(JsonNode::isNumber),
                        name + " is a number or an array of at most 100 numbers: " + value);
            }
        }
        return doc;
    }

    @Test
    void countsSum_durationsListInMilliseconds_levelsKeepTheLast_onePerPatternAndName() throws Exception {
        metrics.count("idempotency", "payments", "Replays", 1);
        metrics.count("idempotency", "payments", "Replays", 2);
        metrics.time("idempotency", "payments", "StoreLatency", 4_500_000);
        metrics.time("idempotency", "payments", "StoreLatency", 1_000_000);
        metrics.level("breaker", "partner", "State", 0);
        metrics.level("breaker", "partner", "State", 2);
        metrics.bytes("idempotency", "payments", "PayloadBytes", 2048);
        metrics.flush();
        assertEquals(2, lines.size());
        JsonNode payments = lines.stream().map(l -> {
            try {
                return valid(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(d -> d.path("Pattern").asText().equals("idempotency")).findFirst().orElseThrow();
        assertEquals("payments", payments.path("Name").asText());
        assertEquals(Instant.parse("2026-11-27T12:00:00Z").toEpochMilli(), payments.path("_aws").path("Timestamp").asLong());
        assertEquals(3, payments.path("Replays").asInt());
        assertEquals("[4.5,1]", payments.path("StoreLatency").toString());
        assertEquals("[2048]", payments.path("PayloadBytes").toString(), "sizes are samples, unit Bytes");
        JsonNode partner = valid(lines.stream().filter(l -> l.contains("\"breaker\"")).findFirst().orElseThrow());
        assertEquals(2, partner.path("State").asInt());
        lines.clear();
        metrics.flush();
        assertTrue(lines.isEmpty(), "a flush takes what it wrote: nothing twice");
    }

    @Test
    void over100Metrics_splitIntoDocuments_andOver100Samples_areCountedAsDropped() throws Exception {
        for (int i = 0; i < 150; i++) {
            metrics.count("fanout", "job", "M" + i, 1);
        }
        for (int i = 0; i < 130; i++) {
            metrics.time("cache", "reports", "LoadTime", 1_000_000);
        }
        metrics.flush();
        int defined = 0;
        for (String line : lines) {
            defined += valid(line).path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").size();
        }
        assertEquals(150 + 2, defined, "150 counts, LoadTime and DroppedSamples");
        assertEquals(3, lines.size());
        JsonNode cache = valid(lines.stream().filter(l -> l.contains("\"cache\"")).findFirst().orElseThrow());
        assertEquals(100, cache.path("LoadTime").size());
        assertEquals(30, cache.path("DroppedSamples").asInt());
    }

    @Test
    void boundHandles_keepCountingAcrossFlushes_andAMetricNotUpdatedSinceTheLastFlushIsLeftOut() throws Exception {
        Metrics.BoundCounter replays = metrics.counter("idempotency", "payments", "Replays");
        Metrics.BoundTimer latency = metrics.timer("idempotency", "payments", "StoreLatency");
        Metrics.BoundCounter claims = metrics.counter("idempotency", "payments", "Claims");
        replays.add(2);
        metrics.count("idempotency", "payments", "Replays", 1); // by name: the same value
        latency.record(2_000_000);
        metrics.flush();
        JsonNode first = valid(lines.get(0));
        assertEquals(3, first.path("Replays").asInt());
        assertEquals("[2]", first.path("StoreLatency").toString());
        assertTrue(first.path("Claims").isMissingNode(), "created but never updated: not in the document");
        lines.clear();
        replays.add(1);
        claims.add(4);
        metrics.flush();
        JsonNode second = valid(lines.get(0));
        assertEquals(1, second.path("Replays").asInt(), "a flush reset the sum; the handle still feeds it");
        assertEquals(4, second.path("Claims").asInt());
        assertTrue(second.path("StoreLatency").isMissingNode(), "no sample since the last flush");
        assertEquals(2, second.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").size());
    }

    @Test
    void flushing_writesAfterEveryCall_evenOneThatThrows() {
        Handler<String, String> failing = Decorators.decorate((in, inv) -> {
            metrics.count("x", "y", "Calls", 1);
            throw new IllegalStateException("boom");
        }, metrics.<String, String>flushing());
        assertThrows(IllegalStateException.class, () -> failing.handle("a", Invocation.builder().build()));
        assertEquals(1, lines.size());
        assertThrows(IllegalArgumentException.class, () -> EmfMetrics.create("AWS/Lambda"));
    }
}
