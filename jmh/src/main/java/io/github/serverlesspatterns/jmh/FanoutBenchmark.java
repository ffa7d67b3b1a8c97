package io.github.serverlesspatterns.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.Aggregator;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The invoker's own cost per call (request encoding, checks, client context, response decoding)
 * against a Lambda client that answers at once, beside the JSON round trip alone; and the
 * aggregator's scheduling cost for 3 trivial downstreams beside calling them one after another.
 * {@code java -jar jmh/target/benchmarks.jar FanoutBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanoutBenchmark {

    public record Order(String id, int quantity) {
    }

    public record Quote(String id, int cents) {
    }

    private LambdaInvoker<Order, Quote> invoker;
    private JacksonCodec<Order> orders;
    private JacksonCodec<Quote> quotes;
    private byte[] answer;
    private Aggregator<String, Integer> aggregator;
    private Handler<String, Integer> a;
    private Handler<String, Integer> b;
    private Handler<String, Integer> c;
    private Invocation invocation;
    private final Order order = new Order("o-1", 3);

    @Setup
    public void setUp() {
        ObjectMapper mapper = new ObjectMapper();
        orders = JacksonCodec.of(mapper, Order.class);
        quotes = JacksonCodec.of(mapper, Quote.class);
        answer = quotes.encode(new Quote("o-1", 750));
        LambdaClient instant = new LambdaClient() {
            @Override
            public InvokeResponse invoke(InvokeRequest request) {
                return InvokeResponse.builder().statusCode(200).payload(SdkBytes.fromByteArrayUnsafe(answer)).build();
            }

            @Override
            public String serviceName() {
                return "lambda";
            }

            @Override
            public void close() {
            }
        };
        invoker = LambdaInvoker.of(instant, "pricing", orders, quotes);
        a = (in, inv) -> in.length();
        b = (in, inv) -> in.length() * 2;
        c = (in, inv) -> in.length() * 3;
        aggregator = Aggregator.<String, Integer>builder(results -> results.values().stream()
                        .mapToInt(r -> (Integer) r.value()).sum())
                .downstream("a", a, Duration.ofSeconds(1)).downstream("b", b, Duration.ofSeconds(1))
                .downstream("c", c, Duration.ofSeconds(1)).build();
        invocation = Invocation.builder().requestId("bench").build();
    }

    @Benchmark
    public Quote invokerCall() {
        return invoker.call(order, invocation);
    }

    @Benchmark
    public Quote jsonRoundTripOnly() {
        orders.encode(order);
        return quotes.decode(answer);
    }

    @Benchmark
    public Integer aggregatorThreeDownstreams() {
        return aggregator.handle("abc", invocation);
    }

    @Benchmark
    public Integer threeCallsInSequence() {
        return a.handle("abc", invocation) + b.handle("abc", invocation) + c.handle("abc", invocation);
    }

}
