package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.circuitbreaker.CircuitBreaker;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Correlated;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.fanout.Aggregator;
import io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore;
import io.github.serverlesspatterns.fanout.FanIn;
import io.github.serverlesspatterns.fanout.FanOut;
import io.github.serverlesspatterns.fanout.Invoker;
import io.github.serverlesspatterns.fanout.LambdaInvoker;
import io.github.serverlesspatterns.fanout.Router;
import io.github.serverlesspatterns.fanout.Task;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The README's section on calling other functions (patterns-fanout): the invoker, the aggregator,
 * the router and fan-out/fan-in, wired as the README shows them. Compiled in CI so the README
 * cannot drift; the types below stand for your own.
 */
public final class CallingOtherFunctions {

    /** A price quote. @param price the price */
    public record Quote(long price) {
    }

    /** A customer profile merged from its parts. @param parts each downstream's answer by name */
    public record Profile(Map<String, Object> parts) {
        /**
         * @param results each downstream's result, by name
         * @return the merged profile (failed parts left out)
         */
        public static Profile merge(Map<String, Aggregator.Result> results) {
            Map<String, Object> parts = new java.util.LinkedHashMap<>();
            results.forEach((name, r) -> {
                if (r.ok()) {
                    parts.put(name, r.value());
                }
            });
            return new Profile(parts);
        }
    }

    /** A business event to route. @param type its type @param body its body */
    public record Event(String type, String body) {
    }

    /** A fan-out task's input. @param n its number */
    public record Input(int n) {
    }

    /** A fan-out task's output. @param value its value */
    public record Output(int value) {
    }

    private CallingOtherFunctions() {
    }

    /**
     * Everything the README's snippet wires, from what a function has at hand.
     *
     * @param lambda        the Lambda client
     * @param orderCodec    orders to bytes
     * @param quoteCodec    quotes from bytes
     * @param order         an order to price
     * @param invocation    the calling invocation
     * @param orders        the orders downstream
     * @param reviews       the reviews downstream
     * @param breaker       the reviews' circuit breaker
     * @param refunds       the refund route
     * @param invoicing     the invoicing function (asynchronous route)
     * @param dlq           where unknown events go
     * @param dynamo        the DynamoDB client
     * @param workerInvoker the fan-out worker function
     * @param jobId         the job's id
     * @param payloads      the job's tasks
     * @param deadline      the job's deadline
     * @param work          a worker's work
     * @param outputCodec   a worker's output to bytes
     * @return the wired parts
     */
    public static List<Object> wire(LambdaClient lambda, Codec<Order> orderCodec, Codec<Quote> quoteCodec, Order order,
                                    Invocation invocation, Invoker<String, String> orders, Invoker<String, String> reviews,
                                    CircuitBreaker breaker, Handler<Event, String> refunds, Invoker<Event, Void> invoicing,
                                    Consumer<Event> dlq, DynamoDbClient dynamo, Invoker<Task<Input>, Void> workerInvoker, String jobId,
                                    List<Input> payloads, Instant deadline, Handler<Task<Input>, Output> work, Codec<Output> outputCodec) {
        // Internal API (RequestResponse) and Internal Handoff (Event), typed through codecs
        LambdaInvoker<Order, Quote> pricing = LambdaInvoker.of(lambda, "pricing:live", orderCodec, quoteCodec);
        Quote quote = pricing.call(order, invocation);   // RemoteFunctionException carries the remote errorType/errorMessage
        pricing.send(order, invocation);                  // 202: the callee must be idempotent and have an on-failure destination

        // Aggregator: K downstreams in parallel, each with its own timeout, all before the deadline
        Aggregator<String, Profile> profile = Aggregator.<String, Profile>builder(Profile::merge)
                .downstream("orders", orders::call, Duration.ofSeconds(2))
                .downstream("reviews", Decorators.decorate(reviews::call, breaker.decorator()), Duration.ofSeconds(1))
                .policy(Aggregator.Policy.BEST_EFFORT)   // or FAIL_FAST (the default)
                .build();

        // Router: one of N routes by key, with enrichment; an unknown route is an error or goes to your sink
        Router<Event> router = Router.<Event>builder(Event::type)
                .route("refund", refunds).asyncRoute("invoice", invoicing)
                .unknownRoutesTo((event, key) -> dlq.accept(event)).build();

        // Fan-out/fan-in
        DynamoDbJobStore jobs = DynamoDbJobStore.create(dynamo, "jobs");
        FanOut.viaInvoker(jobs, workerInvoker, 16).start(jobId, payloads, deadline, invocation);   // or FanOut.viaSqs(...): batches of 10
        Handler<Task<Input>, Output> worker = Decorators.decorate(work, FanIn.of(jobs, outputCodec, id -> notifyDone(id)));
        return List.of(quote, profile, router, worker);
    }

    /**
     * The README's correlation snippet: an {@code Event} invoke (which drops the client context)
     * that still tells the callee who sent it.
     *
     * @param lambda     the Lambda client
     * @param mapper     the sender's Jackson mapper
     * @param order      the order to hand off
     * @param invocation the sending invocation
     * @param shipOrder  the receiving function's work
     * @return the receiving side's handler
     */
    public static Handler<Correlated<Order>, Void> correlatedHandoff(LambdaClient lambda, ObjectMapper mapper, Order order,
                                                                     Invocation invocation, Handler<Order, Void> shipOrder) {
        // Sender: the envelope carries the sender's request id ({"correlationId":…,"payload":…})
        LambdaInvoker<Correlated<Order>, Void> shipping = LambdaInvoker.of(lambda, "shipping",
                JacksonCodec.of(mapper, new TypeReference<Correlated<Order>>() { }), Codecs.none());
        shipping.send(Correlated.of(order, invocation), invocation);

        // Receiver (class Shipping implements RequestHandler<Correlated<Order>, Void>): shipOrder reads invocation.correlationId()
        Handler<Correlated<Order>, Void> receiver = Correlated.unwrap(shipOrder);
        return receiver;
    }

    private static void notifyDone(String jobId) {
        System.out.println("job " + jobId + " done");
    }
}
