package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.metrics.EmfMetrics;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invoker's calls and the fan-in's tasks as EMF metrics; a job id never becomes a dimension. */
@ExtendWith(LocalServicesExtension.class)
class FanoutMetricsTest {

    private final List<String> lines = new ArrayList<>();
    private final EmfMetrics metrics = EmfMetrics.create("Jobs", lines::add, Clock.systemUTC());
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void invokerCallsEventsAndFunctionErrors_areCounted_andCallsTimed(LambdaService lambda) throws Exception {
        lambda.register("metered-fn", LocalFunction.of(String.class, String.class, (RequestHandler<String, String>) (in, ctx) -> {
            if (in.equals("fail")) {
                throw new IllegalStateException("no");
            }
            return "ok";
        }));
        LambdaInvoker<String, String> invoker = LambdaInvoker.of(lambda.client(), "metered-fn", Codecs.jsonString(), Codecs.jsonString())
                .withMetrics(metrics).withTicker(new io.github.serverlesspatterns.testing.ManualTicker());
        Invocation inv = Invocation.builder().build();
        invoker.call("a", inv);
        assertThrows(RemoteFunctionException.class, () -> invoker.call("fail", inv));
        invoker.send("b", inv);
        assertTrue(lambda.awaitIdle(Duration.ofSeconds(30)));
        metrics.flush();
        var doc = json.readTree(lines.get(0));
        assertEquals("lambda-invoker", doc.path("Pattern").asText());
        assertEquals("metered-fn", doc.path("Name").asText());
        assertEquals(List.of(2, 1, 1, 2), List.of(doc.path("Calls").asInt(), doc.path("FunctionErrors").asInt(), doc.path("Events").asInt(),
                doc.path("CallDuration").size()), lines.get(0));
        assertEquals("[0,0]", doc.path("CallDuration").toString(), "measured on the given ticker, which stands still");
        assertEquals("[3,6,3]", doc.path("PayloadBytes").toString(), "each request's encoded size: \"a\", \"fail\", \"b\"");
        assertTrue(lines.get(0).contains("{\"Name\":\"PayloadBytes\",\"Unit\":\"Bytes\"}"), lines.get(0));
    }

    @Test
    void fanInTasksAndTheCompletion_areCounted_underAFixedName(MotoService moto) throws Exception {
        DynamoDbJobStore store = DynamoDbJobStore.create(moto.dynamoDb(), "fan-metered");
        store.createTableIfMissing();
        String job = "job-" + UUID.randomUUID();
        store.createJob(job, 3, Instant.now().plusSeconds(600));
        Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> "r" + task.payload(),
                FanIn.<Integer, String>of(store, Codecs.utf8(), id -> { }).withMetrics(metrics, "report-workers"));
        for (int i = 0; i < 3; i++) {
            worker.handle(new Task<>(job, i, i), Invocation.builder().build());
        }
        metrics.flush();
        assertTrue(!lines.get(0).contains(job), "a job id never reaches a metric");
        var doc = json.readTree(lines.get(0));
        assertEquals("fan-in", doc.path("Pattern").asText());
        assertEquals("report-workers", doc.path("Name").asText());
        assertEquals(3, doc.path("TasksRecorded").asInt());
        assertEquals(1, doc.path("Completions").asInt());
    }

    @Test
    void anAggregatorsCalls_andEachDownstreamsOutcome_areReported_underConfiguredNamesOnly() throws Exception {
        Aggregator<String, Integer> aggregator = Aggregator.<String, Integer>builder(results -> results.size())
                .downstream("prices", (in, inv) -> "p", Duration.ofSeconds(30))
                .downstream("stock", (in, inv) -> {
                    throw new IllegalStateException("down");
                }, Duration.ofSeconds(30))
                .downstream("reviews", (in, inv) -> {
                    try {
                        Thread.sleep(60_000); // interrupted when the aggregator stops waiting
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "late";
                }, Duration.ofMillis(50))
                .policy(Aggregator.Policy.BEST_EFFORT)
                .metrics(metrics, "product-page")
                .build();
        aggregator.handle("sku-123", Invocation.builder().timeout(Duration.ofMinutes(1)).build());
        metrics.flush();

        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
        for (String line : lines) {
            var doc = json.readTree(line);
            assertEquals("aggregator", doc.path("Pattern").asText());
            byName.put(doc.path("Name").asText(), doc);
            assertTrue(!line.contains("sku-123"), "a request value never reaches a metric");
        }
        assertEquals(java.util.Set.of("product-page", "product-page/prices", "product-page/stock", "product-page/reviews"), byName.keySet());
        assertEquals(1, byName.get("product-page").path("Calls").asInt());
        assertEquals(1, byName.get("product-page").path("Duration").size());
        assertEquals(1, byName.get("product-page/prices").path("Successes").asInt());
        assertEquals(1, byName.get("product-page/stock").path("Failures").asInt());
        assertEquals(1, byName.get("product-page/reviews").path("Timeouts").asInt());
    }
}
