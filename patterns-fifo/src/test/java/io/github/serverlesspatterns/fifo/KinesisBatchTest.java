package io.github.serverlesspatterns.fifo;

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
class KinesisBatchTest {

    private static KinesisEvent event(int n) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KinesisEvent.Record data = new KinesisEvent.Record();
            data.setSequenceNumber("4959" + (1000 + i));
            data.setData(ByteBuffer.wrap(("click-" + i).getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(data);
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
    void aPoisonRecordWithoutADeadLetterQueue_stopsTheBatchThere_neverSkipsIt() {
        StreamBatchHandler<KinesisEvent, KinesisEvent.KinesisEventRecord> batch = StreamBatchHandler.kinesis((r, inv) -> {
            throw new PoisonMessageException("unreadable");
        });
        assertEquals("49591000", batch.handle(event(2), Invocation.builder().build()).getBatchItemFailures().get(0).getItemIdentifier());
        assertTrue(batch.handle(event(0), Invocation.builder().build()).getBatchItemFailures().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> batch.handle(new KinesisEvent(), Invocation.builder().build()));
    }
}
