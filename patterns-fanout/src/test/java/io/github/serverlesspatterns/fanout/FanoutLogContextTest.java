package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.logging.LogContext;
import io.github.serverlesspatterns.core.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Lines logged by an aggregator's parts (on its pool's threads) and by fan-in workers carry the MDC keys. */
class FanoutLogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    private static String mdc() {
        return MDC.get(LogContext.REQUEST_ID) + "|" + MDC.get(LogContext.PATTERN) + "|" + MDC.get(LogContext.NAME) + "|"
                + MDC.get(LogContext.KEY);
    }

    @Test
    void eachPartOfAnAggregator_runsOnItsPoolThreadUnderTheCallersRequestId_andItsOwnName() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Handler<String, String> part = (in, inv) -> {
            seen.add(mdc());
            return "ok";
        };
        Aggregator<String, Map<String, Object>> aggregator = Aggregator.<String, Map<String, Object>>builder(results -> {
                    Map<String, Object> merged = new TreeMap<>();
                    results.forEach((name, r) -> merged.put(name, r.value()));
                    return merged;
                })
                .downstream("prices", part, Duration.ofSeconds(5))
                .downstream("stock", part, Duration.ofSeconds(5))
                .metrics(Metrics.none(), "product-page").build();

        aggregator.handle("p-1", Invocation.builder().requestId("req-3").timeout(Duration.ofSeconds(10)).build());

        assertEquals(List.of("req-3|aggregator|product-page/prices|null", "req-3|aggregator|product-page/stock|null"),
                seen.stream().sorted().toList());
    }

    @Test
    void aFanInWorker_runsUnderTheJobAndTaskIds_andTheKeysAreGoneAfter() {
        InMemoryJobStore store = new InMemoryJobStore(Clock.systemUTC());
        store.createJob("job-1", 1, Instant.now().plusSeconds(60));
        List<String> seen = new CopyOnWriteArrayList<>();
        Handler<Task<Integer>, String> worker = Decorators.decorate((task, inv) -> {
            seen.add(mdc());
            return "r";
        }, FanIn.<Integer, String>of(store, Codecs.utf8(), job -> seen.add("completed under " + mdc())).withMetrics(Metrics.none(), "squares"));

        worker.handle(new Task<>("job-1", 0, 7), Invocation.builder().requestId("req-4").build());

        assertEquals(List.of("req-4|fan-in|squares|job-1#0", "completed under req-4|fan-in|squares|job-1#0"), seen);
        assertNull(MDC.get(LogContext.PATTERN));
    }
}
