package io.github.serverlesspatterns.fifo;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Failures;
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
    void eachMessageRunsUnderTheMdcKeys_withItsMessageId_andTheKeysAreGoneAfter() {
        List<String> seen = new CopyOnWriteArrayList<>();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8())
                .metrics(io.github.serverlesspatterns.core.metrics.Metrics.none(), "orders").build(), (m, inv) -> {
                    seen.add(org.slf4j.MDC.get("requestId") + "|" + org.slf4j.MDC.get("pattern") + "|" + org.slf4j.MDC.get("patternName")
                            + "|" + org.slf4j.MDC.get("patternKey"));
                    return null;
                });
        try {
            batch.handle(Events.event(List.of(Events.message("m-1", "a", null, "arn:aws:sqs:us-east-1:000000000000:orders"))),
                    io.github.serverlesspatterns.core.Invocation.builder().requestId("req-8").build());
            assertEquals(List.of("req-8|sqs-batch|orders|m-1"), seen);
            assertEquals(null, org.slf4j.MDC.get("pattern"), "gone after the message");
        } finally {
            org.slf4j.MDC.clear();
        }
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

    private static SQSEvent standardBatch(String... bodies) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            messages.add(Events.message(Integer.toString(i + 1), bodies[i], null, STANDARD_ARN));
        }
        return Events.event(messages);
    }

    private static Object failAs(String body) {
        switch (body) {
            case "assert": throw new AssertionError("invariant broken");
            case "overflow": throw new StackOverflowError();
            case "init": throw new ExceptionInInitializerError("static init failed");
            case "checked": throw Failures.rethrow(new java.io.IOException("disk gone"));
            default: return null;
        }
    }

    @Test
    void errorsAndUndeclaredCheckedExceptions_failOnlyTheirMessage_sequentialAndParallel() {
        for (int parallelism : new int[] {1, 3}) {
            List<String> ran = new CopyOnWriteArrayList<>();
            SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).parallelism(parallelism).build(),
                    (m, inv) -> {
                        ran.add(m.body());
                        return failAs(m.body());
                    });
            SQSBatchResponse response = batch.handle(standardBatch("assert", "ok-2", "overflow", "init", "ok-5", "checked", "ok-7"),
                    invocation);
            assertEquals(List.of("1", "3", "4", "6"), failedIds(response), "parallelism " + parallelism);
            assertEquals(7, ran.size(), "every message ran (parallelism " + parallelism + ")");
        }
    }

    @Test
    void fifo_anErrorFailsTheRestOfItsGroup_otherGroupsGoOn() {
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> failAs(m.body()));
        SQSEvent event = Events.event(List.of(Events.message("1", "checked", "A", FIFO_ARN), Events.message("2", "b1", "B", FIFO_ARN),
                Events.message("3", "a2", "A", FIFO_ARN)));
        assertEquals(List.of("1", "3"), failedIds(batch.handle(event, invocation)));
    }

    @Test
    void parallel_theBatchReturnsOnlyWhenEveryStartedMessageEnded() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).parallelism(4).build(), (m, inv) -> {
            running.incrementAndGet();
            try {
                if (m.body().equals("fails-first")) {
                    throw new AssertionError("fails at once");
                }
                Thread.sleep(200); // the others are still running when the first one fails
                finished.incrementAndGet();
                return null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        });
        SQSBatchResponse response = batch.handle(standardBatch("fails-first", "slow", "slow", "slow"), invocation);
        assertEquals(0, running.get(), "no message of the batch runs on after it returned");
        assertEquals(3, finished.get());
        assertEquals(List.of("1"), failedIds(response));
    }

    @Test
    void aFatalError_stopsTheBatchFromStartingMore_andReportsTheRestForRetry() {
        List<String> ran = new CopyOnWriteArrayList<>();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> {
            ran.add(m.body());
            if (m.body().equals("oom")) {
                throw new OutOfMemoryError("Java heap space");
            }
            return null;
        });
        SQSBatchResponse response = batch.handle(standardBatch("ok-1", "oom", "ok-3", "ok-4"), invocation);
        assertEquals(List.of("2", "3", "4"), failedIds(response), "nothing escapes the batch; nothing is lost");
        assertEquals(List.of("ok-1", "oom"), ran);
    }

    @Test
    void noMessageIsStarted_withLessThanTheMarginLeft_itIsReportedForRetry() {
        io.github.serverlesspatterns.testing.MutableClock clock =
                new io.github.serverlesspatterns.testing.MutableClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
        Invocation threeSeconds = Invocation.builder().clock(clock).deadline(clock.instant().plusSeconds(3)).build();
        List<String> ran = new CopyOnWriteArrayList<>();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8())
                .stopStartingBefore(java.time.Duration.ofSeconds(1)).build(), (m, inv) -> {
                    ran.add(m.body());
                    clock.advance(java.time.Duration.ofMillis(900)); // each message takes 0.9 s
                    return null;
                });
        SQSBatchResponse response = batch.handle(standardBatch("m1", "m2", "m3", "m4"), threeSeconds);
        assertEquals(List.of("m1", "m2", "m3"), ran, "m4 would have started with 0.3 s left");
        assertEquals(List.of("4"), failedIds(response));
    }

    @Test
    void concurrentInvocations_eachGetTheirOwnParallelism_noneQueuesBehindAnother() throws Exception {
        java.util.concurrent.CountDownLatch allInFlight = new java.util.concurrent.CountDownLatch(4);
        AtomicInteger metTogether = new AtomicInteger();
        SqsBatchHandler<String> batch = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).parallelism(2).build(), (m, inv) -> {
            allInFlight.countDown();
            try {
                if (allInFlight.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    metTogether.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        java.util.concurrent.ExecutorService invocations = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<SQSBatchResponse>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(invocations.submit(() -> batch.handle(standardBatch("a", "b"), invocation)));
            }
            for (java.util.concurrent.Future<SQSBatchResponse> r : results) {
                assertTrue(r.get().getBatchItemFailures().isEmpty());
            }
        } finally {
            invocations.shutdownNow();
        }
        assertEquals(4, metTogether.get(), "two batches with parallelism 2 ran four messages at once");
    }
}
