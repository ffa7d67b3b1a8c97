package io.github.serverlesspatterns.jmh;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.fifo.SqsBatchConfig;
import io.github.serverlesspatterns.fifo.SqsBatchHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A batch of 10 FIFO messages in 5 groups: a plain loop over the bodies, the batch handler
 * sequentially, and (with a 1 ms I/O-bound handler) sequential against 5 parallel groups.
 * {@code java -jar jmh/target/benchmarks.jar SqsBatchBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SqsBatchBenchmark {

    private SQSEvent event;
    private SqsBatchHandler<String> sequential;
    private SqsBatchHandler<String> sequentialIo;
    private SqsBatchHandler<String> parallelIo;
    private Invocation invocation;

    private static void io() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Setup
    public void setUp() {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m" + i);
            m.setBody("{\"order\":" + i + "}");
            m.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:orders.fifo");
            Map<String, String> attributes = new HashMap<>();
            attributes.put("MessageGroupId", "g" + (i % 5));
            m.setAttributes(attributes);
            messages.add(m);
        }
        event = new SQSEvent();
        event.setRecords(messages);
        sequential = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> m.body().length());
        sequentialIo = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).build(), (m, inv) -> {
            io();
            return null;
        });
        parallelIo = SqsBatchHandler.of(SqsBatchConfig.builder(Codecs.utf8()).parallelism(5).build(), (m, inv) -> {
            io();
            return null;
        });
        invocation = Invocation.builder().build();
    }

    @Benchmark
    public void plainLoop(Blackhole bh) {
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            bh.consume(m.getBody().length());
        }
    }

    @Benchmark
    public SQSBatchResponse batchHandler() {
        return sequential.handle(event, invocation);
    }

    @Benchmark
    public SQSBatchResponse ioBoundSequential() {
        return sequentialIo.handle(event, invocation);
    }

    @Benchmark
    public SQSBatchResponse ioBoundFiveParallelGroups() {
        return parallelIo.handle(event, invocation);
    }
}
