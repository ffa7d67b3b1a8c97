package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.core.logging.LogContext;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.github.serverlesspatterns.core.Invocation;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kinesis batches as Lambda delivers them (built here: moto serves the records, but no event source mapping). */
@org.junit.jupiter.api.extension.ExtendWith(io.github.serverlesspatterns.testing.LocalServicesExtension.class)
class KinesisBatchTest {

    private static KinesisEvent event(int n) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KinesisEvent.Record data = new KinesisEvent.Record();
            data.setSequenceNumber("4959" + (1000 + i));
            data.setData(ByteBuffer.wrap(("click-" + i).getBytes(StandardCharsets.UTF_8)));
            data.setPartitionKey("device-" + i);
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(data);
            record.setEventID("shardId-000000000000:4959" + (1000 + i));
            record.setEventSourceARN("arn:aws:kinesis:us-east-1:000000000000:stream/clicks");
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    @Test
    void recordsRunInOrder_andTheFirstFailureIsReportedWithItsSequenceNumber() {
        List<String> seen = new CopyOnWriteArrayList<>();
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            String click = StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).toString();
            if (click.equals("click-2")) {
                throw new IllegalStateException("sink busy");
            }
            seen.add(click);
            return null;
        });
        StreamsEventResponse response = batch.handle(event(5), Invocation.builder().build());
        assertEquals("49591002", response.getBatchItemFailures().get(0).getItemIdentifier());
        assertEquals(List.of("click-0", "click-1"), seen);
    }

    @Test
    void eachRecordRunsUnderTheMdcKeys_withItsSequenceNumber_andTheCallersValuesComeBackAfter() {
        List<String> seen = new CopyOnWriteArrayList<>();
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis(
                (KinesisEvent.KinesisEventRecord r, Invocation inv) -> {
                    seen.add(org.slf4j.MDC.get(LogContext.REQUEST_ID) + "|" + org.slf4j.MDC.get(LogContext.PATTERN) + "|"
                            + org.slf4j.MDC.get(LogContext.NAME) + "|" + org.slf4j.MDC.get(LogContext.KEY));
                    return null;
                }).withMetrics(io.github.serverlesspatterns.core.metrics.Metrics.none(), "clicks");
        org.slf4j.MDC.put(LogContext.PATTERN, "outer");
        try {
            batch.handle(event(2), Invocation.builder().requestId("req-7").build());
            assertEquals("outer", org.slf4j.MDC.get(LogContext.PATTERN), "the caller's value is put back");
            assertEquals(null, org.slf4j.MDC.get(LogContext.KEY));
        } finally {
            org.slf4j.MDC.clear();
        }
        assertEquals(List.of("req-7|stream-batch|clicks|49591000", "req-7|stream-batch|clicks|49591001"), seen);
    }

    @Test
    void aPoisonRecordWithoutADeadLetterQueue_stopsTheBatchThere_neverSkipsIt() {
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            throw new PoisonMessageException("unreadable");
        });
        assertEquals("49591000", batch.handle(event(2), Invocation.builder().build()).getBatchItemFailures().get(0).getItemIdentifier());
        assertTrue(batch.handle(event(0), Invocation.builder().build()).getBatchItemFailures().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> batch.handle(new KinesisEvent(), Invocation.builder().build()));
    }

    @Test
    void aPoisonRecord_reachesTheDeadLetterQueue_withItsDataAsBase64_andItsIdentifiers(io.github.serverlesspatterns.testing.SqsService sqs)
            throws Exception {
        String dlq = sqs.createQueue("kinesis-poison-dlq");
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            if (StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).toString().equals("click-1")) {
                throw new PoisonMessageException("unreadable click");
            }
            return null;
        }).withDeadLetterQueue(DeadLetterQueue.of(sqs.client(), dlq));
        assertTrue(batch.handle(event(3), Invocation.builder().build()).getBatchItemFailures().isEmpty(), "the batch goes on");
        var dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2)).messages();
        assertEquals(1, dead.size());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dead.get(0).body());
        assertEquals("click-1", new String(java.util.Base64.getDecoder().decode(json.get("data").asText()), StandardCharsets.UTF_8),
                dead.get(0).body());
        assertEquals("49591001", json.get("sequenceNumber").asText());
        assertEquals("device-1", json.get("partitionKey").asText());
        assertEquals("shardId-000000000000:49591001", json.get("eventID").asText());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/clicks", json.get("eventSourceARN").asText());
        assertTrue(!dead.get(0).body().contains("HeapByteBuffer"), dead.get(0).body());
    }

    @Test
    void aCheckedExceptionThrownSneakily_failsTheRecord_insteadOfEscapingTheBatch() {
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            throw KinesisBatchTest.<RuntimeException>sneaky(new java.io.IOException("disk gone"));
        });
        assertEquals("49591000", batch.handle(event(2), Invocation.builder().build()).getBatchItemFailures().get(0).getItemIdentifier());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void anErrorThrownByTheRecordHandler_failsTheRecord_insteadOfEscapingTheBatch() {
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            if (r.getKinesis().getSequenceNumber().equals("49591001")) {
                throw new AssertionError("an Error, not an Exception");
            }
            return null;
        });
        assertEquals("49591001", batch.handle(event(3), Invocation.builder().build()).getBatchItemFailures().get(0).getItemIdentifier());
    }

    @Test
    void aBatchsRecordsFailuresAndPoison_areReportedAsMetrics_underTheConsumersName(io.github.serverlesspatterns.testing.SqsService sqs)
            throws Exception {
        String dlq = sqs.createQueue("clicks-metrics-dlq");
        List<String> documents = new CopyOnWriteArrayList<>();
        io.github.serverlesspatterns.core.metrics.EmfMetrics metrics = io.github.serverlesspatterns.core.metrics.EmfMetrics.create(
                "Clicks", documents::add, java.time.Clock.systemUTC());
        io.github.serverlesspatterns.testing.ManualTicker ticker = new io.github.serverlesspatterns.testing.ManualTicker();
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            ticker.advance(java.time.Duration.ofMillis(50));
            String click = StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).toString();
            if (click.equals("click-1")) {
                throw new PoisonMessageException("unreadable");
            }
            if (click.equals("click-3")) {
                throw new IllegalStateException("sink busy");
            }
            return null;
        }).withDeadLetterQueue(DeadLetterQueue.of(sqs.client(), dlq)).withMetrics(metrics, "clicks").withTicker(ticker);

        StreamsEventResponse response = batch.handle(event(6), Invocation.builder().build());
        metrics.flush();

        assertEquals("49591003", response.getBatchItemFailures().get(0).getItemIdentifier());
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(documents.get(0));
        assertEquals("stream-batch", doc.path("Pattern").asText());
        assertEquals("clicks", doc.path("Name").asText());
        assertEquals(4, doc.path("Records").asInt(), "records 0 to 3 ran; the batch stopped at the failure");
        assertEquals(1, doc.path("Failures").asInt());
        assertEquals(1, doc.path("PoisonToDlq").asInt());
        assertEquals(1, doc.path("BatchDuration").size());
        assertEquals(200.0, doc.path("BatchDuration").get(0).asDouble(), "the ticker's time: 4 records x 50 ms");
    }
}
