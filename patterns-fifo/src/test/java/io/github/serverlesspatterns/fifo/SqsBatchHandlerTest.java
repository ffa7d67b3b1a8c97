package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqsBatchHandlerTest {

    private static final String FIFO_ARN = "arn:aws:sqs:us-east-1:000000000000:orders.fifo";
    private static final String STANDARD_ARN = "arn:aws:sqs:us-east-1:000000000000:orders";
    private final Invocation invocation = Invocation.builder().build();

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @Test
    void fifo_aFailureFailsThatMessageAndTheRestOfItsGroupOnly() {
        List<String> ran = new CopyOnWriteArrayList<>();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> {
            if (m.body().equals("a2")) {
                throw new IllegalStateException("database busy");
            }
            ran.add(m.body());
            return null;
        });
        SQSEvent event = Events.event(List.of(
                Events.message("1", "a1", "A", FIFO_ARN), Events.message("2", "b1", "B", FIFO_ARN),
                Events.message("3", "a2", "A", FIFO_ARN), Events.message("4", "b2", "B", FIFO_ARN),
                Events.message("5", "a3", "A", FIFO_ARN)));

        SQSBatchResponse response = batch.handle(event, invocation);

        assertEquals(List.of("3", "5"), failedIds(response));
        assertEquals(List.of("a1", "b1", "b2"), ran, "a3 never ran: it must follow a2");
    }

    @Test
    void standard_everyMessageIsProcessed_andEachFailureReportedById() {
        List<String> ran = new CopyOnWriteArrayList<>();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> {
            if (m.body().startsWith("bad")) {
                throw new IllegalStateException("no");
            }
            ran.add(m.body());
            return null;
        });
        SQSBatchResponse response = batch.handle(Events.event(List.of(Events.message("1", "bad-1", null, STANDARD_ARN),
                Events.message("2", "ok-2", null, STANDARD_ARN), Events.message("3", "bad-3", null, STANDARD_ARN),
                Events.message("4", "ok-4", null, STANDARD_ARN))), invocation);
        assertEquals(List.of("1", "3"), failedIds(response));
        assertEquals(List.of("ok-2", "ok-4"), ran);
    }

    @Test
    void fifo_parallelGroups_eachStaySequential() {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).parallelism(4).build(), (m, inv) -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.computeIfAbsent(m.groupId().orElseThrow(), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(m.body()));
            inFlight.decrementAndGet();
            return null;
        });
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            messages.add(Events.message("m" + i, Integer.toString(i), "g" + (i % 4), FIFO_ARN));
        }
        assertTrue(batch.handle(Events.event(messages), invocation).getBatchItemFailures().isEmpty());
        for (int g = 0; g < 4; g++) {
            List<Integer> order = seen.get("g" + g);
            List<Integer> sorted = new ArrayList<>(order);
            sorted.sort(Integer::compare);
            assertEquals(sorted, order, "group g" + g + " in send order");
        }
        assertTrue(maxInFlight.get() > 1, "groups ran in parallel");
        assertTrue(maxInFlight.get() <= 4, "bounded by the parallelism");
    }

    @Test
    void poisonWithoutADeadLetterQueue_isReportedAsAFailure_neverDropped() {
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> {
            throw new PoisonMessageException("unknown order type");
        });
        assertEquals(List.of("1"), failedIds(batch.handle(Events.event(List.of(Events.message("1", "x", null, STANDARD_ARN))), invocation)));
    }

    @Test
    void malformedEvent_isRejectedWithAClearError() {
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> batch.handle(new SQSEvent(), invocation))
                .getMessage().contains("no Records"));
        SQSEvent.SQSMessage noId = Events.message(null, "x", null, STANDARD_ARN);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> batch.handle(Events.event(List.of(noId)), invocation))
                .getMessage().contains("record 0 has no messageId"));
    }

    @Test
    void config_validatesAtTheSetter() {
        assertThrows(IllegalArgumentException.class, () -> SqsBatchConfig.builder(Codecs.utf8()).parallelism(0));
        assertThrows(NullPointerException.class, () -> SqsBatchConfig.builder(null));
    }
}
