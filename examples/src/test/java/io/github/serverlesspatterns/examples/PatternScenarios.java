package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.sam.ApiGateway;
import io.github.serverlesspatterns.testing.sam.SamFunctions;
import io.github.serverlesspatterns.testing.sam.SamEventSources;
import io.github.serverlesspatterns.testing.sam.SamTemplate;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.serverlesspatterns.circuitbreaker.CircuitBreakerConfig;
import io.github.serverlesspatterns.circuitbreaker.dynamodb.DynamoDbCircuitStateStore;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.LambdaAdapters;
import io.github.serverlesspatterns.core.jackson.JacksonCodec;
import io.github.serverlesspatterns.examples.p01.SimpleWebServiceFunction;
import io.github.serverlesspatterns.examples.p08.FifoerFunction;
import io.github.serverlesspatterns.examples.p19.PartnerQuoteFunction;
import io.github.serverlesspatterns.fifo.DrainResult;
import io.github.serverlesspatterns.testing.FunctionConfig;
import io.github.serverlesspatterns.testing.LambdaService;
import io.github.serverlesspatterns.testing.LocalFunction;
import io.github.serverlesspatterns.testing.LocalServices;
import io.github.serverlesspatterns.testing.MotoService;
import io.github.serverlesspatterns.testing.SqsService;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each example pattern run end to end on local services, wired the way its template wires it.
 * Shared by {@link ExamplesEndToEndTest} and the main job ({@link RunPatterns}). A scenario
 * returns a one-line result and throws {@link AssertionError} when the outcome is wrong.
 */
public final class PatternScenarios {

    /** One runnable pattern. */
    public record Scenario(String number, String name, java.util.function.Function<LocalServices, String> run) {
    }

    /** Patterns of ../shared/PATTERNS.md whose example is not written yet. */
    public static final List<String> PENDING = List.of();

    private static final ObjectMapper JSON = new ObjectMapper();

    private PatternScenarios() {
    }

    /** @return the scenarios that exist, in catalogue order */
    public static List<Scenario> all() {
        return List.of(new Scenario("01", "Simple Web Service", PatternScenarios::simpleWebService),
                new Scenario("02", "Scalable Webhook", PatternScenarios::scalableWebhook),
                new Scenario("03", "Gatekeeper", PatternScenarios::gatekeeper),
                new Scenario("04", "Internal API", PatternScenarios::internalApi),
                new Scenario("05", "Internal Handoff", PatternScenarios::internalHandoff),
                new Scenario("06", "Aggregator", PatternScenarios::aggregator),
                new Scenario("07", "Notifier", PatternScenarios::notifier),
                new Scenario("08", "FIFOer", PatternScenarios::fifoer),
                new Scenario("09", "They Say I'm A Streamer", PatternScenarios::streamer),
                new Scenario("10", "Strangler", PatternScenarios::strangler),
                new Scenario("11", "State Machine", PatternScenarios::stateMachine),
                new Scenario("12", "Router", PatternScenarios::router),
                new Scenario("13", "Robust API", PatternScenarios::robustApi),
                new Scenario("14", "Frugal Consumer", PatternScenarios::frugalConsumer),
                new Scenario("15", "Read Heavy Reporting Engine", PatternScenarios::readHeavy),
                new Scenario("16", "Fan-Out/Fan-In", PatternScenarios::fanOutFanIn),
                new Scenario("17", "Eventually Consistent", PatternScenarios::eventuallyConsistent),
                new Scenario("18", "Distributed Trigger", PatternScenarios::distributedTrigger),
                new Scenario("19", "Circuit Breaker", PatternScenarios::circuitBreaker));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static void createTable(MotoService moto, String table, String key) {
        try {
            moto.dynamoDb().createTable(b -> b.tableName(table)
                    .keySchema(KeySchemaElement.builder().attributeName(key).keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(key).attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException exists) {
            // a previous run in this JVM made it
        }
    }

    static String simpleWebService(LocalServices services) {
        MotoService moto = services.moto();
        String table = "p01-items";
        createTable(moto, table, "id");
        LambdaService lambda = services.lambda();
        Path template = exampleDir("01-simple-web-service").resolve("template.yaml");
        lambda.register(SamFunctions.config(template, "ItemsFunction", "p01-ItemsFunction",
                LocalFunction.of(new SimpleWebServiceFunction(moto.dynamoDb(), table))).build());
        try (ApiGateway api = new ApiGateway(template, Map.of(), lambda, "p01-")) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> call = (method, pathAndBody) -> {
                String[] parts = pathAndBody.split(" ", 2);
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve(parts[0])).method(method,
                            java.net.http.HttpRequest.BodyPublishers.ofString(parts.length > 1 ? parts[1] : "")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            var put = call.apply("PUT", "/items/42 {\"name\":\"first\"}");
            var get = call.apply("GET", "/items/42");
            var missing = call.apply("GET", "/items/nope");
            var quoted = call.apply("GET", "/items/a%22b"); // a path parameter with a quote must not break the JSON answer
            var bad = call.apply("PUT", "/items/43");
            check(put.statusCode() == 200, "PUT answered " + put.statusCode() + " " + put.body());
            check(get.statusCode() == 200 && get.body().equals("{\"name\":\"first\"}"), "GET answered " + get.statusCode() + " " + get.body());
            check(missing.statusCode() == 404, "unknown item answered " + missing.statusCode());
            try {
                check(quoted.statusCode() == 404 && "no item 'a\"b'".equals(new ObjectMapper().readTree(quoted.body()).path("error").asText()),
                        "an id with a quote answered " + quoted.statusCode() + " " + quoted.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError("an id with a quote made the answer invalid JSON: " + quoted.body(), e);
            }
            check(bad.statusCode() == 400 && bad.body().contains("body must be"), "empty body answered " + bad.statusCode() + " " + bad.body());
        }
        return "PUT then GET /items/42 through the REST API stand-in round-tripped through DynamoDB; unknown id 404, empty body 400";
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() { };

    static String scalableWebhook(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        SqsService sqs = services.sqs();
        MotoService moto = services.moto();
        var postgres = services.postgres();
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("create table if not exists webhook_events (message_id text primary key, event text, amount bigint)");
            s.execute("delete from webhook_events");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore.builder(moto.dynamoDb(), "p02-idempotency").build()
                .createTableIfMissing();
        String dlq = sqs.createQueue("p02-webhook-dlq");
        // the template's queue keeps a message hidden 120 s; 2 s here so that the redelivery below comes quickly
        String queue = sqs.createQueue("p02-webhook", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"));
        LambdaService lambda = services.lambda();
        Path template = exampleDir("02-scalable-webhook").resolve("template.yaml");
        lambda.register(SamFunctions.config(template, "WebhookFunction", "p02-WebhookFunction",
                LocalFunction.of(new io.github.serverlesspatterns.examples.p02.WebhookFunction(sqs.client(), queue))).build());
        LocalFunction consumer = LocalFunction.of(new io.github.serverlesspatterns.examples.p02.ConsumerFunction(sqs.client(), moto.dynamoDb(), dlq,
                "p02-idempotency", postgres.jdbcUrl(), postgres.user(), postgres.password(), emitted.metrics()));
        lambda.register(SamFunctions.config(template, "ConsumerFunction", "p02-ConsumerFunction", diesOnceAfterItsWork(consumer)).build());
        try (ApiGateway api = new ApiGateway(template, Map.of(), lambda, "p02-");
             var esm = SamEventSources.sqs(template, "ConsumerFunction", sqs.client(), queue, lambda.client(), "p02-ConsumerFunction")) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> post = body -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/webhook"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            for (int i = 0; i < 20; i++) {
                var r = post.apply("{\"event\":\"paid\",\"amount\":" + i + "}");
                check(r.statusCode() == 202, "webhook answered " + r.statusCode() + " " + r.body());
            }
            post.apply("{\"event\":\"paid\",\"amount\":\"lots\"}");
            check(post.apply("not json").statusCode() == 400, "bad body");
            esm.start(); // the template's SQS event: batches of 10, ReportBatchItemFailures, at most 2 at a time
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((sqs.approximateDepth(queue) > 0 || sqs.approximateDepth(dlq) == 0 || esm.deleted() < 21) && System.nanoTime() < end) {
                sleep(100);
            }
            check(esm.failedBatches() >= 1, "the died invocation was not redelivered: " + esm.failedBatches());
        }
        long rows;
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("select count(*), sum(amount) from webhook_events")) {
            r.next();
            rows = r.getLong(1);
            check(r.getLong(2) == 190, "amounts sum to " + r.getLong(2));
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        check(rows == 20, rows + " rows");
        var dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2).messageAttributeNames("All")).messages();
        check(dead.size() == 1 && dead.get(0).messageAttributes().get("failure-reason").stringValue().contains("whole 'amount'"),
                "DLQ " + dead);
        check(!dead.get(0).messageAttributes().get("failure-reason").stringValue().contains("lots"),
                "the DLQ's failure reason repeats the body's value: " + dead.get(0).messageAttributes());
        check(emitted.total("sqs-batch", "webhooks", "PoisonToDlq") == 1, "metrics: " + emitted.figures());
        check(emitted.total("idempotency", "webhooks", "Replays") >= 1, "metrics: " + emitted.figures());
        return withFigures("20 webhooks POSTed through the REST API (202), polled from SQS as the template's mapping does and written to "
                + "PostgreSQL once each (a batch delivered again after its invocation died); the invalid one in the DLQ with its reason; "
                + "a non-JSON body got 400", emitted);
    }

    static String internalApi(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        LambdaService lambda = services.lambda();
        var map = JacksonCodec.of(JSON, MAP_TYPE);
        lambda.register(SamFunctions.config(exampleDir("04-internal-api").resolve("template.yaml"), "PricingFunction", "p04-pricing",
                LocalFunction.of(new io.github.serverlesspatterns.examples.p04.PricingFunction())).build());
        var checkout = new io.github.serverlesspatterns.examples.p04.CheckoutFunction(lambda.client(), "p04-pricing", emitted.metrics());
        lambda.register(SamFunctions.config(exampleDir("04-internal-api").resolve("template.yaml"), "CheckoutFunction", "p04-checkout", LocalFunction.of(checkout)).build());
        Map<String, Object> priced = map.decode(lambda.client().invoke(b -> b.functionName("p04-checkout")
                .payload(SdkBytes.fromUtf8String("{\"product\":\"p-1\",\"quantity\":3}"))).payload().asByteArray());
        Map<String, Object> rejected = map.decode(lambda.client().invoke(b -> b.functionName("p04-checkout")
                .payload(SdkBytes.fromUtf8String("{\"product\":\"p-1\",\"quantity\":0}"))).payload().asByteArray());
        check(priced.get("totalCents").equals(750), "priced " + priced);
        check(rejected.get("status").equals("rejected") && String.valueOf(rejected.get("reason")).contains("quantity"),
                "the pricing error was not surfaced: " + rejected);
        check(lambda.stats("p04-pricing").invocations() == 2, "pricing called " + lambda.stats("p04-pricing").invocations());
        check(emitted.total("lambda-invoker", "p04-pricing", "Calls") == 2, "metrics: " + emitted.figures());
        check(emitted.total("lambda-invoker", "p04-pricing", "FunctionErrors") == 1, "metrics: " + emitted.figures());
        return withFigures("checkout -> pricing over the Invoke API: 3 x p-1 = 750 cents; pricing's error surfaced to the caller", emitted);
    }

    static String internalHandoff(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        LambdaService lambda = services.lambda();
        MotoService moto = services.moto();
        SqsService sqs = services.sqs();
        createTable(moto, "p05-shipments", "orderId");
        io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore.builder(moto.dynamoDb(), "p05-idempotency").build()
                .createTableIfMissing();
        String failures = sqs.createQueue("p05-shipping-failures");
        var map = JacksonCodec.of(JSON, MAP_TYPE);
        var shipping = new io.github.serverlesspatterns.examples.p05.ShippingFunction(moto.dynamoDb(), "p05-shipments", "p05-idempotency", emitted.metrics());
        lambda.register(SamFunctions.config(exampleDir("05-internal-handoff").resolve("template.yaml"), "ShippingFunction", "p05-shipping", LocalFunction.of(shipping))
                .retryDelay(Duration.ofMillis(20)).onFailure(sqs.client(), failures).build());
        lambda.register(SamFunctions.config(exampleDir("05-internal-handoff").resolve("template.yaml"), "OrderFunction", "p05-order",
                LocalFunction.of(new io.github.serverlesspatterns.examples.p05.OrderFunction(lambda.client(), "p05-shipping", emitted.metrics()))).build());
        String orderId = "o-" + System.nanoTime();
        for (int i = 0; i < 3; i++) { // a client retry and Lambda's own duplicates: the same order handed off 3 times
            lambda.client().invoke(b -> b.functionName("p05-order")
                    .payload(SdkBytes.fromUtf8String("{\"orderId\":\"" + orderId + "\",\"address\":\"1 Main St\"}")));
        }
        lambda.client().invoke(b -> b.functionName("p05-order").payload(SdkBytes.fromUtf8String("{\"orderId\":\"" + orderId + "-bad\"}")));
        check(lambda.awaitIdle(Duration.ofSeconds(30)), "handoffs did not finish");
        String shipments = moto.dynamoDb().getItem(b -> b.tableName("p05-shipments")
                .key(Map.of("orderId", AttributeValue.fromS(orderId)))).item().get("shipments").n();
        check(shipments.equals("1"), "shipped " + shipments + " times");
        var failed = sqs.client().receiveMessage(b -> b.queueUrl(failures).waitTimeSeconds(2)).messages();
        check(failed.size() == 1 && failed.get(0).body().contains(orderId + "-bad"), "on-failure destination: " + failed);
        check(emitted.total("idempotency", "shipping", "Replays") == 2, "metrics: " + emitted.figures());
        check(emitted.total("lambda-invoker", "p05-shipping", "Events") == 4, "metrics: " + emitted.figures());
        return withFigures("3 handoffs of one order shipped it once (idempotent callee); an order without address reached the "
                + "on-failure queue after 3 attempts", emitted);
    }

    static String frugalConsumer(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        SqsService sqs = services.sqs();
        var postgres = services.postgres();
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("create table if not exists meter_readings (message_id text primary key, meter text, kwh int)");
            s.execute("delete from meter_readings");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        String dlq = sqs.createQueue("p14-readings-dlq");
        String queue = sqs.createQueue("p14-readings", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3"));
        for (int i = 0; i < 30; i++) { // two producers
            int n = i;
            sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("m-" + (n % 2) + ":" + n));
        }
        sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody("m-9:lots"));
        LambdaService lambda = services.lambda();
        LocalFunction consumer = LocalFunction.of(new io.github.serverlesspatterns.examples.p14.FrugalConsumerFunction(sqs.client(), dlq,
                postgres.jdbcUrl(), postgres.user(), postgres.password(), emitted.metrics()));
        lambda.register(SamFunctions.config(exampleDir("14-frugal-consumer").resolve("template.yaml"), "ConsumerFunction", "p14-ConsumerFunction", diesOnceAfterItsWork(consumer)).build());
        long batches;
        try (var esm = SamEventSources.sqs(exampleDir("14-frugal-consumer").resolve("template.yaml"), "ConsumerFunction",
                sqs.client(), queue, lambda.client(), "p14-ConsumerFunction").start()) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((sqs.approximateDepth(queue) > 0 || esm.deleted() < 31) && System.nanoTime() < end) {
                sleep(100);
            }
            batches = esm.invocations();
        }
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("select count(*), sum(kwh) from meter_readings")) {
            r.next();
            check(r.getLong(1) == 30 && r.getLong(2) == 435, "rows " + r.getLong(1) + ", kwh " + r.getLong(2));
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        var dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2)).messages();
        check(dead.size() == 1 && dead.get(0).body().equals("m-9:lots"), "DLQ " + dead);
        check(emitted.total("sqs-batch", "readings", "PoisonToDlq") == 1, "metrics: " + emitted.figures());
        return withFigures("31 readings from 2 producers drained by the template's mapping (batches of 10, 5 s window, 2 at a time) in " + batches
                + " invocations: 30 rows written once (a batch delivered again after its invocation died), the invalid one in the DLQ", emitted);
    }

    static String readHeavy(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        var postgres = services.postgres();
        var redis = services.redis();
        String id = "r-" + System.nanoTime();
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("create table if not exists report_totals (id text primary key, total text)");
            s.execute("insert into report_totals values ('" + id + "', '100')");
        } catch (java.sql.SQLException e) {
            throw new AssertionError("cannot prepare the reporting database", e);
        }
        LambdaService lambda = services.lambda();
        SqsService sqs = services.sqs();
        Path template15 = exampleDir("15-read-heavy-reporting-engine").resolve("template.yaml");
        lambda.register(SamFunctions.config(template15, "ReportFunction", "p15-ReportFunction", LocalFunction.of(
                new io.github.serverlesspatterns.examples.p15.ReportFunction(redis.client(), postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), emitted.metrics()))).build());
        lambda.register(SamFunctions.config(template15, "InvalidationFunction", "p15-InvalidationFunction",
                LocalFunction.of(new io.github.serverlesspatterns.examples.p15.InvalidationFunction(redis.client()))).build());
        java.util.function.Function<String, Map<String, Object>> read = reportId -> decode(lambda.client().invoke(b -> b
                .functionName("p15-ReportFunction").payload(SdkBytes.fromUtf8String("{\"reportId\":\"" + reportId + "\"}"))).payload().asUtf8String());
        check("100".equals(read.apply(id).get("total")), "first read");
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("update report_totals set total = '250' where id = '" + id + "'");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        check("100".equals(read.apply(id).get("total")), "second read must come from Redis");
        String changes = sqs.createQueue("p15-change-events");
        try (var esm = SamEventSources.sqs(exampleDir("15-read-heavy-reporting-engine").resolve("template.yaml"), "InvalidationFunction",
                sqs.client(), changes, lambda.client(), "p15-InvalidationFunction").start()) {
            sqs.client().sendMessage(b -> b.queueUrl(changes).messageBody(id));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (esm.deleted() < 1 && System.nanoTime() < end) {
                sleep(50);
            }
            check(esm.deleted() == 1, "the change event was not handled");
        }
        check("250".equals(read.apply(id).get("total")), "after the change event");
        check("not found".equals(read.apply("missing-" + id).get("status")), "absent report");
        checkAlarmSees(template15, "ReportsCacheHitRatioAlarm", emitted.documents(), -1);
        check(emitted.total("cache", "reports", "Hits") == 1, "metrics: " + emitted.figures());
        return withFigures("read 100 from PostgreSQL, then from Redis while the row changed; the change event, polled from SQS as the template's "
                + "mapping does, invalidated it and 250 was read", emitted);
    }

    static String fanOutFanIn(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        LambdaService lambda = services.lambda();
        MotoService moto = services.moto();
        String table = "p16-jobs";
        io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore.create(moto.dynamoDb(), table)
                .createTableIfMissing();
        var tasks = JacksonCodec.of(JSON, new TypeReference<io.github.serverlesspatterns.fanout.Task<Integer>>() { });
        lambda.register(SamFunctions.config(exampleDir("16-fan-out-fan-in").resolve("template.yaml"), "WorkerFunction", "p16-worker", LocalFunction.of(
                new io.github.serverlesspatterns.examples.p16.FanOutFunctions.Worker(moto.dynamoDb(), table, emitted.metrics()))).reservedConcurrency(8).retryDelay(Duration.ofMillis(20)).build());
        SqsService sqs = services.sqs();
        String deadlines = sqs.createQueue("p16-job-deadlines");
        var splitter = new io.github.serverlesspatterns.examples.p16.FanOutFunctions.Splitter(moto.dynamoDb(), lambda.client(), sqs.client(),
                table, "p16-worker", deadlines, Duration.ofMinutes(10), emitted.metrics());
        String jobId = "job-" + System.nanoTime();
        List<Integer> numbers = new ArrayList<>();
        long expected = 0;
        for (int i = 1; i <= 200; i++) {
            numbers.add(i);
            expected += (long) i * i;
        }
        lambda.register(SamFunctions.config(exampleDir("16-fan-out-fan-in").resolve("template.yaml"), "SplitterFunction", "p16-splitter",
                LocalFunction.of(splitter)).build());
        String job;
        try {
            job = JSON.writeValueAsString(Map.of("jobId", jobId, "numbers", numbers));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        var started = lambda.client().invoke(b -> b.functionName("p16-splitter").payload(SdkBytes.fromUtf8String(job)));
        check(started.functionError() == null, "the splitter failed: " + started.payload().asUtf8String());
        var worker = io.github.serverlesspatterns.fanout.LambdaInvoker.of(lambda.client(), "p16-worker", tasks,
                io.github.serverlesspatterns.core.Codecs.utf8());
        for (int i = 0; i < 200; i += 10) { // Lambda's at-least-once: 10% of the tasks run twice
            worker.send(new io.github.serverlesspatterns.fanout.Task<>(jobId, i, i + 1), Invocation.builder().build());
        }
        check(lambda.awaitIdle(Duration.ofSeconds(120)), "workers did not finish");
        var summary = moto.dynamoDb().getItem(b -> b.tableName(table).key(Map.of("job", AttributeValue.fromS(jobId),
                "item", AttributeValue.fromS("#summary")))).item();
        check(summary != null && !summary.isEmpty() && summary.get("sum").n().equals(Long.toString(expected)),
                "summary " + summary + ", expected sum " + expected);
        check(emitted.total("fan-in", "squares", "Completions") == 1, "metrics: " + emitted.figures());
        check(emitted.total("lambda-invoker", "p16-worker", "Events") == 200, "metrics: " + emitted.figures());
        // a job that cannot finish (a square that does not fit an int) with a 1 s deadline: its id comes back from the
        // deadline queue, the template's mapping runs the check, and the overdue job is what JobStuckAlarm watches
        Path template16 = exampleDir("16-fan-out-fan-in").resolve("template.yaml");
        lambda.register(SamFunctions.config(template16, "SplitterFunction", "p16-splitter-1s", LocalFunction.of(
                new io.github.serverlesspatterns.examples.p16.FanOutFunctions.Splitter(moto.dynamoDb(), lambda.client(), sqs.client(), table,
                        "p16-worker", deadlines, Duration.ofSeconds(1), emitted.metrics()))).build());
        lambda.register(SamFunctions.config(template16, "DeadlineFunction", "p16-deadline", LocalFunction.of(
                new io.github.serverlesspatterns.examples.p16.FanOutFunctions.DeadlineCheck(moto.dynamoDb(), table, emitted.metrics()))).build());
        String stuckJob = "stuck-" + System.nanoTime();
        var stuck = lambda.client().invoke(b -> b.functionName("p16-splitter-1s")
                .payload(SdkBytes.fromUtf8String("{\"jobId\":\"" + stuckJob + "\",\"numbers\":[2,100000]}")));
        check(stuck.functionError() == null, "the splitter failed: " + stuck.payload().asUtf8String());
        try (var esm = SamEventSources.sqs(template16, "DeadlineFunction", sqs.client(), deadlines, lambda.client(), "p16-deadline").start()) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // the mapping deletes the message only after the function has returned, so wait for both: the metric
            // (emitted inside the function) and the deletion (after it) - checking the second on seeing the first raced
            while ((emitted.total("fan-in", "squares", "JobsOverdue") == 0 || esm.deleted() == 0) && System.nanoTime() < end) {
                sleep(100);
            }
            check(esm.deleted() >= 1, "the deadline message was not handled");
        }
        check(lambda.awaitIdle(Duration.ofSeconds(30)), "the stuck job's worker retries did not finish");
        check(emitted.total("fan-in", "squares", "JobsOverdue") == 1, "the stuck job was not signalled once: " + emitted.figures());
        var stuckStatus = io.github.serverlesspatterns.fanout.dynamodb.DynamoDbJobStore.create(moto.dynamoDb(), table).status(stuckJob);
        check(stuckStatus.missingTasks().equals(List.of(1)) && stuckStatus.completed() == 1, "stuck job " + stuckStatus);
        checkAlarmSees(template16, "JobStuckAlarm", emitted.documents(), 1);
        return withFigures("200 tasks (+20 duplicate deliveries) on up to 8 concurrent workers; the last one in wrote the sum "
                + expected + " once; a job with a task that cannot succeed was signalled overdue once at its deadline (JobStuckAlarm's metric)",
                emitted);
    }

    static String aggregator(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        LambdaService lambda = services.lambda();
        MotoService moto = services.moto();
        DynamoDbCircuitStateStore.create(moto.dynamoDb(), "p06-circuits").createTableIfMissing();
        var part = new io.github.serverlesspatterns.examples.p06.PartFunction();
        java.lang.reflect.Type partType = new TypeReference<Map<String, String>>() { }.getType();
        Path template06 = exampleDir("06-aggregator").resolve("template.yaml");
        lambda.register(SamFunctions.config(template06, "OrdersFunction", "p06-OrdersFunction", LocalFunction.of(part)).build());
        lambda.register("p06-ReviewsFunction", LocalFunction.of(partType, partType,
                (com.amazonaws.services.lambda.runtime.RequestHandler<Map<String, String>, Map<String, String>>) (request, context) -> {
                    throw new IllegalStateException("reviews database down");
                }));
        lambda.register("p06-RecommendationsFunction", LocalFunction.of(partType, partType,
                (com.amazonaws.services.lambda.runtime.RequestHandler<Map<String, String>, Map<String, String>>) (request, context) -> {
                    sleep(3000);
                    return part.handleRequest(request, context);
                }));
        var profile = new io.github.serverlesspatterns.examples.p06.ProfileFunction(lambda.client(), moto.dynamoDb(), "p06-OrdersFunction",
                "p06-ReviewsFunction", "p06-RecommendationsFunction", "p06-circuits", emitted.metrics());
        lambda.register(SamFunctions.config(template06, "ProfileFunction", "p06-ProfileFunction", LocalFunction.of(profile)).build());
        try (ApiGateway api = new ApiGateway(exampleDir("06-aggregator").resolve("template.yaml"), Map.of(), lambda, "p06-")) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> post = body -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/profile"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            long t0 = System.nanoTime();
            var firstResponse = post.apply("{\"customerId\":\"c-1\"}");
            long firstMillis = (System.nanoTime() - t0) / 1_000_000;
            check(firstResponse.statusCode() == 200, "POST /profile answered " + firstResponse.statusCode() + " " + firstResponse.body());
            Map<String, Object> first = decode(firstResponse.body());
            check("p06-OrdersFunction for c-1".equals(first.get("orders")), "orders: " + first);
            check("unavailable (RemoteFunctionException)".equals(first.get("reviews")), "reviews: " + first);
            check("unavailable (TimeoutException)".equals(first.get("recommendations")), "recommendations: " + first);
            check(firstMillis < 5000, "answered after " + firstMillis + " ms, past the 5 s function timeout");
            post.apply("{\"customerId\":\"c-1\"}");
            Map<String, Object> third = decode(post.apply("{\"customerId\":\"c-1\"}").body());
            check("unavailable (CallNotPermittedException)".equals(third.get("reviews")), "breaker: " + third);
            check(lambda.stats("p06-ReviewsFunction").invocations() == 2, "reviews called " + lambda.stats("p06-ReviewsFunction").invocations() + " times");
            var bad = post.apply("{\"customer\":\"c-1\"}");
            check(bad.statusCode() == 400 && bad.body().contains("customerId"), "no customer answered " + bad.statusCode() + " " + bad.body());
            check(emitted.total("breaker", "reviews", "TransitionsToOpen") == 1, "metrics: " + emitted.figures());
            checkAlarmSees(exampleDir("06-aggregator").resolve("template.yaml"), "ReviewsCircuitOpenAlarm", emitted.documents(), 2);
            check(emitted.total("aggregator", "profile/recommendations", "Timeouts") >= 1, "metrics: " + emitted.figures());
            return withFigures("POST /profile through the REST API stand-in merged orders, failed reviews and a late recommendation in "
                    + firstMillis + " ms; the reviews circuit opened after 2 failures; a body without customer got 400", emitted);
        }
    }

    /**
     * The function, except that its first invocation dies after doing its work (a timeout after the writes, say): Lambda
     * delivers that batch again, and the example must not write twice.
     */
    private static LocalFunction diesOnceAfterItsWork(LocalFunction function) {
        AtomicBoolean died = new AtomicBoolean();
        return (payload, context) -> {
            byte[] answer = function.invoke(payload, context);
            if (died.compareAndSet(false, true)) {
                throw new IllegalStateException("the invocation died after its writes");
            }
            return answer;
        };
    }

    /** Invokes a function through the Invoke API with a JSON payload; answers its JSON result, or throws its error message. */
    private static Map<String, Object> invoke(LambdaService lambda, String function, String json) {
        var response = lambda.client().invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(json)));
        if (response.functionError() != null) {
            throw new FunctionFailed(String.valueOf(decode(response.payload().asUtf8String()).get("errorMessage")));
        }
        return decode(response.payload().asUtf8String());
    }

    /** A function error answered by the Invoke API, with the function's error message. */
    private static final class FunctionFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FunctionFailed(String message) {
            super(message);
        }
    }

    private static Map<String, Object> decode(String json) {
        try {
            return JSON.readValue(json, MAP_TYPE);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static String router(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        LambdaService lambda = services.lambda();
        SqsService sqs = services.sqs();
        var map = JacksonCodec.of(JSON, MAP_TYPE);
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String fn : List.of("p12-refunds", "p12-invoices")) {
            var task = new io.github.serverlesspatterns.examples.p12.TaskFunction();
            lambda.register(fn, LocalFunction.of(MAP_TYPE.getType(), String.class,
                    (com.amazonaws.services.lambda.runtime.RequestHandler<Map<String, Object>, String>) (event, ctx) -> {
                        String line = task.handleRequest(event, ctx);
                        handled.add(line);
                        return line;
                    }));
        }
        String unroutable = sqs.createQueue("p12-unroutable");
        var router = new io.github.serverlesspatterns.examples.p12.RouterFunction(lambda.client(), sqs.client(), "p12-refunds",
                "p12-invoices", unroutable, emitted.metrics());
        lambda.register(SamFunctions.config(exampleDir("12-router").resolve("template.yaml"), "RouterFunction", "p12-router", LocalFunction.of(router)).build());
        for (String event : List.of("{\"type\":\"refund\",\"id\":\"r-1\"}", "{\"type\":\"invoice\",\"id\":\"i-1\"}",
                "{\"type\":\"chargeback\",\"id\":\"c-1\"}")) {
            lambda.client().invoke(b -> b.functionName("p12-router").invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String(event)));
        }
        check(lambda.awaitIdle(Duration.ofSeconds(30)), "routing did not finish");
        check(handled.size() == 2 && handled.stream().anyMatch(l -> l.startsWith("p12-refunds handled refund r-1 routed at 20"))
                && handled.stream().anyMatch(l -> l.startsWith("p12-invoices handled invoice i-1")), "handled " + handled);
        var dead = sqs.client().receiveMessage(b -> b.queueUrl(unroutable).waitTimeSeconds(2)).messages();
        check(dead.size() == 1 && dead.get(0).body().contains("chargeback"), "unroutable " + dead);
        check(emitted.total("lambda-invoker", "p12-refunds", "Events") == 1, "metrics: " + emitted.figures());
        check(emitted.total("lambda-invoker", "p12-invoices", "Events") == 1, "metrics: " + emitted.figures());
        return withFigures("refund and invoice reached their task functions (enriched with the routing time); the chargeback went to the "
                + "unroutable queue", emitted);
    }

    static String fifoer(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        SqsService sqs = services.sqs();
        LambdaService lambda = services.lambda();
        MotoService moto = services.moto();
        String table = "p08-ledger-" + System.nanoTime();
        createTable(moto, table, "account");
        String dlq = sqs.createQueue("p08-ledger-dlq-" + System.nanoTime() + ".fifo");
        String queue = sqs.createQueue("p08-ledger-" + System.nanoTime() + ".fifo", Map.of(
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
        for (int i = 0; i < 60; i++) {
            int n = i;
            sqs.client().sendMessage(b -> b.queueUrl(queue).messageGroupId("acct-" + (n % 3)).messageBody("acct-" + (n % 3) + ":" + n));
        }
        sqs.client().sendMessage(b -> b.queueUrl(queue).messageGroupId("acct-0").messageBody("garbage"));
        String name = "p08-fifoer-" + System.nanoTime() % 100000;
        // a short timeout so that the loop re-invokes itself; the margin leaves room for one batch on a loaded 2-core machine
        // (with 300 ms of 800 ms, a batch slowed by load ran past the deadline: the timeout interrupted an SQS call and its
        // group waited out the 30 s visibility timeout)
        FifoerFunction fn = new FifoerFunction(sqs.client(), lambda.client(), moto.dynamoDb(), queue, dlq, table, Duration.ofMillis(1200),
                emitted.metrics());
        lambda.register(SamFunctions.config(exampleDir("08-fifoer").resolve("template.yaml"), "FifoerFunction", name, LocalFunction.of(fn))
                .timeout(Duration.ofMillis(2000)).build()); // reserved concurrency 1 from the template; the timeout shortened
        lambda.client().invoke(b -> b.functionName(name).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"source\":\"aws.events\"}")));
        check(lambda.awaitIdle(Duration.ofSeconds(60)), "the FIFOer did not finish");
        LambdaService.FunctionStats stats = lambda.stats(name);
        for (int account = 0; account < 3; account++) {
            String acct = "acct-" + account;
            List<AttributeValue> entries = moto.dynamoDb().getItem(b -> b.tableName(table)
                    .key(Map.of("account", AttributeValue.fromS(acct)))).item().get("entries").l();
            List<Integer> amounts = new ArrayList<>();
            entries.forEach(e -> amounts.add(Integer.parseInt(e.n())));
            List<Integer> expected = new ArrayList<>();
            for (int i = account; i < 60; i += 3) {
                expected.add(i);
            }
            check(amounts.equals(expected), acct + " ledger out of order or incomplete: " + amounts);
        }
        check(sqs.approximateDepth(queue) == 0, "queue not empty");
        check(sqs.approximateDepth(dlq) == 1, "the malformed message is not in the DLQ");
        check(stats.maxConcurrency() == 1 && stats.timeouts() == 0, "concurrency/deadline: " + stats);
        check(emitted.total("fifo-drain", "ledger", "Processed") == 61, "metrics: " + emitted.figures());
        return withFigures("60 messages in 3 groups posted in order by " + stats.invocations() + " invocations (concurrency 1, "
                + "no timeouts), 1 malformed message in the DLQ", emitted);
    }

    static String eventuallyConsistent(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        MotoService moto = services.moto();
        var postgres = services.postgres();
        String table = "p17-customers-" + System.nanoTime();
        moto.dynamoDb().createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(software.amazon.awssdk.services.dynamodb.model.StreamViewType.NEW_AND_OLD_IMAGES)));
        String[][] writes = {{"c-1", "1", "Ann"}, {"c-1", "2", "Ann Lee"}, {"c-2", "1", "Bo"}};
        for (String[] w : writes) {
            moto.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS(w[0]),
                    "last_updated", AttributeValue.fromN(w[1]), "name", AttributeValue.fromS(w[2]))));
        }
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("create table if not exists customers_replica (id text primary key, last_updated bigint, name text)");
            s.execute("delete from customers_replica");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        String streamArn = moto.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        LambdaService lambda = services.lambda();
        SqsService sqs = services.sqs();
        Path template = exampleDir("17-eventually-consistent").resolve("template.yaml");
        LocalFunction replica = LocalFunction.of(new io.github.serverlesspatterns.examples.p17.ReplicaFunction(postgres.jdbcUrl(),
                postgres.user(), postgres.password(), emitted.metrics()));
        lambda.register(SamFunctions.config(template, "ReplicaFunction", "p17-ReplicaFunction", diesOnceAfterItsWork(replica)).build());
        String invalid = sqs.createQueue("p17-invalid-changes");
        try (var esm = io.github.serverlesspatterns.testing.StreamEventSource.dynamodb(moto.dynamoDbStreams(), streamArn, lambda.client(),
                "p17-ReplicaFunction", SamEventSources.stream(template, "ReplicaFunction", sqs.client(), invalid))) {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (esm.checkpointed() < 3 && System.nanoTime() < end) {
                sleep(50);
            }
            check(esm.checkpointed() == 3 && esm.invocations() >= 2, "checkpointed " + esm.checkpointed() + " in " + esm.invocations()
                    + " invocations (the first died)");
        }
        try (java.sql.Connection c = postgres.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("select id, last_updated, name from customers_replica order by id")) {
            List<String> rows = new ArrayList<>();
            while (r.next()) {
                rows.add(r.getString(1) + "@" + r.getLong(2) + "=" + r.getString(3));
            }
            check(rows.equals(List.of("c-1@2=Ann Lee", "c-2@1=Bo")), "replica rows " + rows);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        check(emitted.total("stream-batch", "customers", "Records") >= 3, "metrics: " + emitted.figures());
        return withFigures("3 stream changes copied in order by the template's DynamoDB mapping; delivered again after an invocation died, the "
                + "stale change (c-1 v1) did not overwrite c-1 v2", emitted);
    }

    static String circuitBreaker(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        MotoService moto = services.moto();
        String table = "p19-circuits";
        DynamoDbCircuitStateStore.create(moto.dynamoDb(), table).createTableIfMissing();
        AtomicBoolean partnerUp = new AtomicBoolean(false);
        AtomicBoolean partnerRambles = new AtomicBoolean(false);
        AtomicInteger partnerCalls = new AtomicInteger();
        HttpServer partner = localServer("partner API", "/quote", exchange -> {
            partnerCalls.incrementAndGet();
            if (partnerRambles.get()) {
                return new Reply(200, "9".repeat(10_000)); // an answer no quote needs: refused, not read whole
            }
            return partnerUp.get() ? new Reply(200, "9.99") : new Reply(503, "busy");
        });
        try {
                PartnerQuoteFunction fn = new PartnerQuoteFunction(moto.dynamoDb(), table,
                    URI.create("http://127.0.0.1:" + partner.getAddress().getPort()),
                    CircuitBreakerConfig.builder().consecutiveFailures(3).waitInOpen(Duration.ofMillis(300)).build(),
                    emitted.metrics());
            LambdaService lambda = services.lambda();
            lambda.register(SamFunctions.config(exampleDir("19-circuit-breaker").resolve("template.yaml"), "QuoteFunction", "p19-quote",
                    LocalFunction.of(fn)).build());
            String request = "{\"product\":\"p-1\"}";
            for (int i = 0; i < 3; i++) {
                try {
                    invoke(lambda, "p19-quote", request);
                    throw new AssertionError("a failing partner must fail the call while CLOSED");
                } catch (FunctionFailed expected) {
                    check(expected.getMessage().contains("503"), "the partner's 503, not " + expected.getMessage());
                }
            }
            Map<String, Object> open = invoke(lambda, "p19-quote", request);
            check("circuit OPEN".equals(open.get("source")) && partnerCalls.get() == 3, "not open after 3 failures: " + open);
            checkAlarmSees(exampleDir("19-circuit-breaker").resolve("template.yaml"), "PartnerCircuitOpenAlarm", emitted.documents(), 2);
            partnerUp.set(true);
            sleep(350);
            Map<String, Object> probe = invoke(lambda, "p19-quote", request);
            Map<String, Object> closed = invoke(lambda, "p19-quote", request);
            check("partner".equals(probe.get("source")) && "9.99".equals(closed.get("price")), "did not recover: " + probe + closed);
            partnerRambles.set(true);
            try {
                invoke(lambda, "p19-quote", request);
                throw new AssertionError("a 10,000-byte quote must be refused");
            } catch (FunctionFailed expected) {
                check(expected.getMessage().contains("more than 4096 bytes"), "refused for the size, not " + expected.getMessage());
            }
            check(emitted.total("breaker", PartnerQuoteFunction.CIRCUIT, "TransitionsToOpen") == 1, "metrics: " + emitted.figures());
            return withFigures("opened after 3 failures of the local partner (fallback answered without calling it), closed after recovery", emitted);
        } finally {
            partner.stop(0);
        }
    }

    /** @return the scenario's one-line summary, then a line of the key figures its functions emitted as metrics */
    private static String withFigures(String summary, EmittedMetrics emitted) {
        return summary + "\n" + emitted.figures();
    }

    /**
     * The template's alarm watches metrics the function really emits: for each metric the alarm reads
     * (its own, or each {@code MetricStat} of its metric math), some EMF document the function wrote has
     * that namespace, metric and dimension values - with the given value, unless it is negative.
     */
    @SuppressWarnings("unchecked")
    private static void checkAlarmSees(Path template, String alarmId, List<String> documents, double value) {
        Map<String, Object> alarm = SamTemplate.resources(template).get(alarmId).properties();
        if (alarm.get("Metrics") instanceof List<?> math) {
            for (Object query : math) {
                if (((Map<String, Object>) query).get("MetricStat") instanceof Map<?, ?> stat) {
                    Map<String, Object> metric = (Map<String, Object>) stat.get("Metric");
                    checkEmitted(alarmId, (String) metric.get("Namespace"), (String) metric.get("MetricName"),
                            (List<Map<String, Object>>) metric.get("Dimensions"), documents, value);
                }
            }
            return;
        }
        checkEmitted(alarmId, (String) alarm.get("Namespace"), (String) alarm.get("MetricName"),
                (List<Map<String, Object>>) alarm.get("Dimensions"), documents, value);
    }

    private static void checkEmitted(String alarmId, String namespace, String metric, List<Map<String, Object>> dimensions,
                                     List<String> documents, double value) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        boolean seen = documents.stream().anyMatch(line -> {
            try {
                var doc = json.readTree(line);
                var definition = doc.path("_aws").path("CloudWatchMetrics").get(0);
                boolean dims = dimensions.stream().allMatch(d -> String.valueOf(d.get("Value")).equals(doc.path((String) d.get("Name")).asText()));
                return namespace.equals(definition.path("Namespace").asText()) && dims && doc.has(metric)
                        && (value < 0 || doc.path(metric).asDouble(-1) == value);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        check(seen, alarmId + " watches " + namespace + "/" + metric + " " + dimensions + ", which no document the function wrote has at "
                + value + ": " + documents);
    }

    static String notifier(LocalServices services) {
        MotoService moto = services.moto();
        String topic = moto.sns().createTopic(b -> b.name("p07-order-events")).topicArn();
        // moto delivers SNS only to its own SQS; the subscriber queues live there (standard queues)
        try (var motoSqs = io.github.serverlesspatterns.testing.AwsClients.configure(
                software.amazon.awssdk.services.sqs.SqsClient.builder(), moto.endpoint()).build()) {
            String shipping = motoSqs.createQueue(b -> b.queueName("p07-shipping-" + System.nanoTime())).queueUrl();
            String analytics = motoSqs.createQueue(b -> b.queueName("p07-analytics-" + System.nanoTime())).queueUrl();
            subscribe(moto, motoSqs, topic, shipping, Map.of("RawMessageDelivery", "true", // the template's filter policy
                    "FilterPolicy", "{\"eventType\":[\"order.placed\",\"order.cancelled\"]}"));
            subscribe(moto, motoSqs, topic, analytics, Map.of("RawMessageDelivery", "true"));
            LambdaService lambda = services.lambda();
            lambda.register(SamFunctions.config(exampleDir("07-notifier").resolve("template.yaml"), "PublisherFunction", "p07-publisher",
                    LocalFunction.of(new io.github.serverlesspatterns.examples.p07.PublisherFunction(moto.sns(), topic))).build());
            for (String type : List.of("order.placed", "order.shipped", "order.cancelled")) {
                lambda.client().invoke(b -> b.functionName("p07-publisher")
                        .payload(SdkBytes.fromUtf8String("{\"eventType\":\"" + type + "\",\"orderId\":\"o-7\"}")));
            }
            String refused;
            try {
                invoke(lambda, "p07-publisher", "{\"eventType\":\"order.exploded\",\"orderId\":\"o-8\"}");
                throw new AssertionError("an unknown event type was published");
            } catch (FunctionFailed expected) {
                refused = expected.getMessage();
            }
            check(refused.contains("eventType must be one of"), "refusal: " + refused);
            List<String> toShipping = drainField(motoSqs, shipping, "eventType");
            List<String> toAnalytics = drainField(motoSqs, analytics, "eventType");
            // a standard topic and queues promise no order: compare sorted
            check(toShipping.stream().sorted().toList().equals(List.of("order.cancelled", "order.placed")), "shipping got " + toShipping);
            check(toAnalytics.stream().sorted().toList().equals(List.of("order.cancelled", "order.placed", "order.shipped")),
                    "analytics got " + toAnalytics);
            return "3 events published once to the topic; analytics' queue got all 3, shipping's filter let placed and cancelled "
                    + "through; an unknown eventType was refused before publishing";
        }
    }

    static String distributedTrigger(LocalServices services) {
        MotoService moto = services.moto();
        LambdaService lambda = services.lambda();
        SqsService sqs = services.sqs();
        String topic = moto.sns().createTopic(b -> b.name("p18-alerts")).topicArn();
        String failed = sqs.createQueue("p18-trigger-dlq");
        try (var motoSqs = io.github.serverlesspatterns.testing.AwsClients.configure(
                software.amazon.awssdk.services.sqs.SqsClient.builder(), moto.endpoint()).build()) {
            String onCall = motoSqs.createQueue(b -> b.queueName("p18-oncall-" + System.nanoTime())).queueUrl();
            subscribe(moto, motoSqs, topic, onCall, Map.of("RawMessageDelivery", "true"));
            var fn = new io.github.serverlesspatterns.examples.p18.LogTriggerFunction(moto.sns(), topic);
            // the runtime's event serializer maps {"awslogs":{"data":...}} onto CloudWatchLogsEvent
            lambda.register(SamFunctions.config(exampleDir("18-distributed-trigger").resolve("template.yaml"), "LogTriggerFunction", "p18-trigger", LocalFunction.of(fn))
                    .retryDelay(Duration.ofMillis(20)).onFailure(sqs.client(), failed).build());
            List<Map<String, Object>> logEvents = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                logEvents.add(Map.of("id", "3" + i, "timestamp", 1_764_000_000_000L + i, "message", "ERROR payment " + i + " failed"));
            }
            String good = "{\"awslogs\":{\"data\":\"" + awsLogsData(Map.of("messageType", "DATA_MESSAGE", "owner", "000000000000",
                    "logGroup", "/aws/lambda/payments", "logStream", "s-1", "subscriptionFilters", List.of("Errors"), "logEvents", logEvents)) + "\"}}";
            String control = "{\"awslogs\":{\"data\":\"" + awsLogsData(Map.of("messageType", "CONTROL_MESSAGE", "logGroup", "",
                    "logEvents", List.of())) + "\"}}";
            String corrupt = "{\"awslogs\":{\"data\":\"bm90IGd6aXA=\"}}"; // base64 of "not gzip"
            for (String payload : List.of(good, control, corrupt)) {
                lambda.client().invoke(b -> b.functionName("p18-trigger").invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String(payload)));
            }
            check(lambda.awaitIdle(Duration.ofSeconds(30)), "the trigger did not finish");
            List<String> ids = drainField(motoSqs, onCall, "logEventId");
            check(ids.size() == 12 && new java.util.HashSet<>(ids).size() == 12, "the subscriber got " + ids);
            var dead = sqs.client().receiveMessage(b -> b.queueUrl(failed).waitTimeSeconds(2)).messages();
            check(dead.size() == 1 && dead.get(0).body().contains("not gzip-compressed JSON"), "on-failure destination: " + dead);
            check(lambda.stats("p18-trigger").invocations() == 5, "invocations " + lambda.stats("p18-trigger").invocations()
                    + " (expected 1 + 1 + the corrupt one 3 times)");
            return "12 ERROR log events became 12 alerts in the subscriber's queue through the service's topic; the control "
                    + "message was ignored; a corrupt payload reached the on-failure queue after 3 attempts";
        }
    }

    /** What a CloudWatch Logs subscription puts in {@code awslogs.data}: base64 of gzip of the JSON document. */
    private static String awsLogsData(Map<String, Object> document) {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var gzip = new java.util.zip.GZIPOutputStream(bytes)) {
                gzip.write(JSON.writeValueAsBytes(document));
            }
            return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static String streamer(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        MotoService moto = services.moto();
        SqsService sqs = services.sqs();
        String stream = "p09-readings-" + System.nanoTime();
        String table = "p09-devices-" + System.nanoTime();
        createTable(moto, table, "deviceId");
        String dlq = sqs.createQueue("p09-readings-dlq");
        var kinesis = moto.kinesis();
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        for (int i = 0; i < 50 && !"ACTIVE".equals(kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatusAsString()); i++) {
            sleep(100);
        }
        // what the API's integration does with each POST /readings body (the template's request template):
        // PutRecord with Data = the body and PartitionKey = $.deviceId
        String[] bodies = new String[31];
        for (int i = 0; i < 30; i++) {
            bodies[i] = "{\"deviceId\":\"d-" + (i % 3) + "\",\"celsius\":" + (20 + (i * 7) % 11) + "}";
        }
        bodies[30] = "{\"deviceId\":\"d-0\",\"celsius\":\"hot\"}";
        for (String body : bodies) {
            String device;
            try {
                device = JSON.readTree(body).path("deviceId").asText();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(device).data(SdkBytes.fromUtf8String(body)));
        }
        // the template's Kinesis event: batches from the shard in order, ReportBatchItemFailures, 5 retries, bisection
        LambdaService lambda = services.lambda();
        Path template = exampleDir("09-streamer").resolve("template.yaml");
        LocalFunction consumer = LocalFunction.of(new io.github.serverlesspatterns.examples.p09.ReadingsConsumerFunction(moto.dynamoDb(),
                sqs.client(), table, dlq, emitted.metrics()));
        lambda.register(SamFunctions.config(template, "ReadingsConsumerFunction", "p09-ReadingsConsumerFunction", diesOnceAfterItsWork(consumer)).build());
        String failures = sqs.createQueue("p09-stream-failures");
        long invocations;
        try (var esm = io.github.serverlesspatterns.testing.StreamEventSource.kinesis(kinesis, stream, lambda.client(),
                "p09-ReadingsConsumerFunction", SamEventSources.stream(template, "ReadingsConsumerFunction", sqs.client(), failures))) {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (esm.checkpointed() < 31 && System.nanoTime() < end) {
                sleep(50);
            }
            check(esm.checkpointed() == 31 && esm.discarded() == 0, "checkpointed " + esm.checkpointed() + ", discarded " + esm.discarded());
            invocations = esm.invocations();
        }
        check(invocations >= 2, "the died batch was not delivered again: " + invocations + " invocations");
        for (int d = 0; d < 3; d++) {
            int device = d;
            var item = moto.dynamoDb().getItem(b -> b.tableName(table).key(Map.of("deviceId", AttributeValue.fromS("d-" + device)))).item();
            int max = 0;
            int last = 0;
            for (int i = device; i < 30; i += 3) {
                max = Math.max(max, 20 + (i * 7) % 11);
                last = 20 + (i * 7) % 11;
            }
            check(item.get("readings").n().equals("10") && item.get("maxCelsius").n().equals(Integer.toString(max))
                    && item.get("celsius").n().equals(Integer.toString(last)), "device d-" + device + ": " + item);
        }
        var dead = sqs.client().receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2).messageAttributeNames("All")).messages();
        check(dead.size() == 1 && dead.get(0).messageAttributes().get("failure-reason").stringValue().contains("numeric celsius"),
                "DLQ " + dead);
        check(emitted.total("stream-batch", "readings", "PoisonToDlq") >= 1, "metrics: " + emitted.figures());
        check(emitted.total("stream-batch", "readings", "Failures") == 0, "metrics: " + emitted.figures());
        return withFigures("31 readings put on the stream by deviceId, delivered by the template's Kinesis mapping; 3 devices with 10 readings "
                + "each, latest and max right although the first batch was delivered twice; the malformed reading in the DLQ", emitted);
    }

    static String gatekeeper(LocalServices services) {
        MotoService moto = services.moto();
        String table = "p03-tokens-" + System.nanoTime();
        moto.dynamoDb().createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("tokenHash").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("tokenHash").attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        var clock = new io.github.serverlesspatterns.testing.MutableClock(java.time.Instant.parse("2026-11-26T10:00:00Z"));
        long now = clock.instant().getEpochSecond();
        String[][] tokens = {{"reader-token-0123456789", "ann", "GET /orders/*", Long.toString(now + 3600)},
                {"expired-token-0123456789", "bo", "GET /orders/*", Long.toString(now - 1)}};
        for (String[] t : tokens) {
            moto.dynamoDb().putItem(b -> b.tableName(table).item(Map.of(
                    "tokenHash", AttributeValue.fromS(io.github.serverlesspatterns.examples.p03.AuthorizerFunction.sha256(t[0])),
                    "principalId", AttributeValue.fromS(t[1]), "permissions", AttributeValue.fromSs(List.of(t[2])),
                    "expiresAt", AttributeValue.fromN(t[3]))));
        }
        LambdaService lambda = services.lambda();
        Path template = exampleDir("03-gatekeeper").resolve("template.yaml");
        lambda.register(SamFunctions.config(template, "AuthorizerFunction", "p03-AuthorizerFunction", LocalFunction.of(
                new io.github.serverlesspatterns.examples.p03.AuthorizerFunction(moto.dynamoDb(), table, clock))).build());
        lambda.register(SamFunctions.config(template, "OrdersFunction", "p03-OrdersFunction",
                LocalFunction.of(new io.github.serverlesspatterns.examples.p03.OrdersFunction())).build());
        long callsBefore = lambda.stats("p03-AuthorizerFunction").invocations();
        try (ApiGateway api = new ApiGateway(template, Map.of(), lambda, "p03-")) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> call = (method, authorization) -> {
                try {
                    var request = java.net.http.HttpRequest.newBuilder(api.endpoint().resolve(method.endsWith("2") ? "/orders/2" : "/orders/1"))
                            .method(method.replace("2", ""), java.net.http.HttpRequest.BodyPublishers.noBody());
                    if (authorization != null) {
                        request.header("Authorization", authorization);
                    }
                    return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            int noHeader = call.apply("GET", null).statusCode();
            int malformed = call.apply("GET", "Basic abc").statusCode();
            int unknown = call.apply("GET", "Bearer unknown-token-0123456789").statusCode();
            int expired = call.apply("GET", "Bearer expired-token-0123456789").statusCode();
            var allowed = call.apply("GET", "Bearer reader-token-0123456789");
            var cachedAllowed = call.apply("GET2", "Bearer reader-token-0123456789");
            int forbidden = call.apply("DELETE", "Bearer reader-token-0123456789").statusCode();
            check(noHeader == 401 && malformed == 401 && unknown == 401 && expired == 401,
                    "bad tokens answered " + List.of(noHeader, malformed, unknown, expired));
            check(allowed.statusCode() == 200 && allowed.body().contains("\"readBy\":\"ann\""), "good token: " + allowed.statusCode()
                    + " " + allowed.body());
            check(cachedAllowed.statusCode() == 200 && forbidden == 403, "cached policy: GET " + cachedAllowed.statusCode()
                    + ", DELETE " + forbidden);
            long authorizerCalls = lambda.stats("p03-AuthorizerFunction").invocations() - callsBefore;
            check(authorizerCalls == 3, "authorizer called " + authorizerCalls + " times (expected unknown, expired, "
                    + "reader once: the malformed header is refused by the identity validation, reader's policy is cached)");
        }
        return "through the REST API stand-in and the template's TOKEN authorizer: missing, malformed, unknown and expired tokens "
                + "got 401; the reader's token was allowed GET and, from the cached "
                + "policy, denied DELETE (403) without calling the authorizer again";
    }

    /** An example's folder, whether the run started in {@code examples/} (tests) or at the root (the main job). */
    static Path exampleDir(String name) {
        Path here = Path.of(name);
        return java.nio.file.Files.isDirectory(here) ? here : Path.of("examples", name);
    }

    static String strangler(LocalServices services) {
        MotoService moto = services.moto();
        String table = "p10-orders";
        createTable(moto, table, "id");
        moto.dynamoDb().putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("o-42"), "status", AttributeValue.fromS("shipped"))));
        List<String> legacyGot = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer legacy = localServer("legacy API", "/", exchange -> {
            legacyGot.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            return new Reply(200, "{\"servedBy\":\"legacy\",\"path\":\"" + exchange.getRequestURI().getPath() + "\"}");
        });
        var orders = new io.github.serverlesspatterns.examples.p10.OrdersFunction(moto.dynamoDb(), table);
        services.lambda().register(SamFunctions.config(exampleDir("10-strangler").resolve("template.yaml"), "OrdersFunction", "p10-OrdersFunction",
                LocalFunction.of(orders)).build());
        try (ApiGateway api = new ApiGateway(exampleDir("10-strangler").resolve("template.yaml"),
                Map.of("LegacyBaseUrl", "http://127.0.0.1:" + legacy.getAddress().getPort()), services.lambda(), "p10-")) {
            var http = java.net.http.HttpClient.newHttpClient();
            java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> call = (method, path) -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve(path))
                            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(method + " " + path + " failed", e);
                }
            };
            var migrated = call.apply("GET", "/orders/o-42");
            var unknown = call.apply("GET", "/orders/o-404");
            var customers = call.apply("GET", "/customers/7/addresses");
            var create = call.apply("POST", "/orders");
            var home = call.apply("GET", "/");
            check(migrated.statusCode() == 200 && migrated.body().contains("\"servedBy\":\"orders-service\"")
                    && migrated.body().contains("shipped"), "GET /orders/o-42: " + migrated.statusCode() + " " + migrated.body());
            check(unknown.statusCode() == 404, "unknown order: " + unknown.statusCode());
            check(customers.statusCode() == 200 && customers.body().contains("\"path\":\"/customers/7/addresses\""), "legacy: " + customers.body());
            check(create.statusCode() == 200 && create.body().contains("legacy"), "POST /orders: " + create.body());
            check(home.statusCode() == 200 && home.body().contains("legacy"), "GET / (not matched by /{proxy+}): " + home.statusCode());
            check(legacyGot.equals(List.of("GET /customers/7/addresses", "POST /orders", "GET /")), "the legacy API got " + legacyGot);
            check(api.hits().get("OrdersFunction") == 2, "the new function got " + api.hits());
            return "GET /orders/{id} served by the new function from its own table (200, 404); /customers/7/addresses and "
                    + "POST /orders (not migrated) and the root path reached the local legacy API with their paths unchanged";
        }
    }

    @SuppressWarnings("unchecked")
    static String stateMachine(LocalServices services) {
        MotoService moto = services.moto();
        LambdaService lambda = services.lambda();
        String orders = "p11-orders-" + System.nanoTime();
        String inventory = "p11-inventory-" + System.nanoTime();
        createTable(moto, orders, "orderId");
        createTable(moto, inventory, "sku");
        moto.dynamoDb().putItem(b -> b.tableName(inventory).item(Map.of("sku", AttributeValue.fromS("sku-1"), "available", AttributeValue.fromN("10"))));
        Map<String, Integer> charges = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger busyAnswers = new AtomicInteger();
        HttpServer payments = localServer("payment provider", "/charges", exchange -> {
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            if (key.contains("busy") && busyAnswers.incrementAndGet() <= 2) {
                status = 503;
            } else if (body.contains("\"amountCents\":500000")) {
                status = 402;
            } else {
                status = 200;
                charges.merge(key, 1, Integer::sum);
            }
            return new Reply(status, status == 200 ? "ch-" + key : status == 402 ? "card declined" : "busy");
        });
        try {
            var tables = new io.github.serverlesspatterns.examples.p11.OrderSagaFunctions.Tables(moto.dynamoDb(), orders, inventory);
            URI paymentUrl = URI.create("http://127.0.0.1:" + payments.getAddress().getPort());
            Map<String, com.amazonaws.services.lambda.runtime.RequestHandler<Map<String, Object>, Map<String, Object>>> tasks = Map.of(
                    "ReserveFunction", new io.github.serverlesspatterns.examples.p11.OrderSagaFunctions.Reserve(tables),
                    "ChargeFunction", new io.github.serverlesspatterns.examples.p11.OrderSagaFunctions.Charge(tables, paymentUrl),
                    "ShipFunction", new io.github.serverlesspatterns.examples.p11.OrderSagaFunctions.Ship(tables),
                    "ReleaseFunction", new io.github.serverlesspatterns.examples.p11.OrderSagaFunctions.Release(tables));
            var map = JacksonCodec.of(JSON, MAP_TYPE);
            tasks.forEach((id, handler) -> lambda.register("p11-" + id, LocalFunction.of(handler)));
            // the template's wiring: DefinitionUri and DefinitionSubstitutions (each a function's Arn)
            Path dir = exampleDir("11-state-machine");
            Map<String, Object> machine = SamTemplate.resources(dir.resolve("template.yaml")).get("OrderStateMachine").properties();
            String definition = java.nio.file.Files.readString(dir.resolve(String.valueOf(machine.get("DefinitionUri"))));
            Map<String, String> functionsByResource = new java.util.HashMap<>();
            for (var substitution : ((Map<String, Object>) machine.get("DefinitionSubstitutions")).entrySet()) {
                String logicalId = String.valueOf(((List<Object>) ((Map<String, Object>) substitution.getValue()).get("Fn::GetAtt")).get(0));
                String arn = "arn:aws:lambda:us-east-1:000000000000:function:p11-" + logicalId;
                definition = definition.replace("${" + substitution.getKey() + "}", arn);
                functionsByResource.put(arn, "p11-" + logicalId);
            }
            var sfn = new LocalStateMachine(definition, lambda.client(), functionsByResource, Duration.ofMillis(5));
            java.util.function.Function<String, LocalStateMachine.Execution> start = input -> {
                try {
                    return sfn.start(JSON.readTree(input));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            };
            var happy = start.apply("{\"orderId\":\"o-1\",\"sku\":\"sku-1\",\"quantity\":2,\"amountCents\":500}");
            var busy = start.apply("{\"orderId\":\"o-busy\",\"sku\":\"sku-1\",\"quantity\":1,\"amountCents\":700}");
            var declined = start.apply("{\"orderId\":\"o-3\",\"sku\":\"sku-1\",\"quantity\":3,\"amountCents\":500000}");
            var outOfStock = start.apply("{\"orderId\":\"o-4\",\"sku\":\"sku-1\",\"quantity\":100,\"amountCents\":900}");
            var invalid = start.apply("{\"orderId\":\"o-5\",\"quantity\":1,\"amountCents\":900}");
            check(happy.status().equals("SUCCEEDED") && happy.history().equals(List.of("ReserveInventory", "ChargePayment",
                    "WaitForWarehouse", "ShipOrder", "Shipped")), "happy path: " + happy);
            check(busy.status().equals("SUCCEEDED") && busy.history().stream().filter(h -> h.contains("retry")).count() == 2,
                    "busy provider: " + busy);
            check(declined.status().equals("FAILED") && declined.error().equals("PaymentFailed")
                    && declined.history().equals(List.of("ReserveInventory", "ChargePayment", "ReleaseInventory", "PaymentFailed"))
                    && declined.output().path("error").path("Error").asText().endsWith("PaymentDeclinedException"), "declined: " + declined);
            check(outOfStock.status().equals("FAILED") && outOfStock.error().equals("OutOfStock"), "out of stock: " + outOfStock);
            check(invalid.status().equals("FAILED") && invalid.error().equals("InvalidOrder"), "invalid: " + invalid);
            java.util.function.Function<String, String> status = id -> {
                var item = moto.dynamoDb().getItem(b -> b.tableName(orders).key(Map.of("orderId", AttributeValue.fromS(id)))).item();
                return item == null || item.isEmpty() ? "none" : item.get("status").s();
            };
            String available = moto.dynamoDb().getItem(b -> b.tableName(inventory).key(Map.of("sku", AttributeValue.fromS("sku-1"))))
                    .item().get("available").n();
            check(List.of(status.apply("o-1"), status.apply("o-busy"), status.apply("o-3"), status.apply("o-4"))
                    .equals(List.of("SHIPPED", "SHIPPED", "RELEASED", "none")), "order states");
            check(available.equals("7"), "stock " + available + " (10 - 2 shipped - 1 shipped, the declined 3 put back)");
            check(charges.equals(Map.of("o-1", 1, "o-busy", 1)), "charges " + charges);
            return "5 executions followed the definition: 2 shipped (one after 2 busy-provider retries), a declined payment "
                    + "released its stock (10 -> 7 left), out-of-stock and malformed orders failed by name";
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read the state machine's template or definition", e);
        } finally {
            payments.stop(0);
        }
    }

    static String robustApi(LocalServices services) {
        EmittedMetrics emitted = new EmittedMetrics();
        MotoService moto = services.moto();
        LambdaService lambda = services.lambda();
        SqsService sqs = services.sqs();
        String orders = "p13-orders";
        createTable(moto, orders, "orderId");
        io.github.serverlesspatterns.idempotency.dynamodb.DynamoDbIdempotencyStore.builder(moto.dynamoDb(), "p13-idempotency").build()
                .createTableIfMissing();
        String failed = sqs.createQueue("p13-failed-notifications");
        var map = JacksonCodec.of(JSON, MAP_TYPE);
        var utf8 = io.github.serverlesspatterns.core.Codecs.utf8();
        Path template13 = exampleDir("13-robust-api").resolve("template.yaml");
        lambda.register(SamFunctions.config(template13, "PricingFunction", "p13-pricing",
                LocalFunction.of(new io.github.serverlesspatterns.examples.p04.PricingFunction())).build());
        lambda.register(SamFunctions.config(template13, "NotifyFunction", "p13-notify", LocalFunction.of(
                        new io.github.serverlesspatterns.examples.p13.OrdersApiFunctions.Notify(moto.dynamoDb(), orders)))
                .retryDelay(Duration.ofMillis(20)).onFailure(sqs.client(), failed).build()); // reserved concurrency 10, from the template
        var create = new io.github.serverlesspatterns.examples.p13.OrdersApiFunctions.CreateOrder(moto.dynamoDb(), lambda.client(), orders,
                "p13-idempotency", "p13-pricing", "p13-notify", emitted.metrics());
        // SnapStart: what the registered hooks run - priming the idempotency store and both invokers must change
        // nothing, and the restore that follows renews the parts; the scenario below then runs on the restored ones
        int recordsBefore = moto.dynamoDb().scan(b -> b.tableName("p13-idempotency")).count();
        io.github.serverlesspatterns.core.Primeable.primeAll(create.snapStartParts());
        io.github.serverlesspatterns.core.Primeable.restoreAll(create.snapStartParts());
        check(lambda.stats("p13-pricing").invocations() == 0 && lambda.stats("p13-notify").invocations() == 0
                && moto.dynamoDb().scan(b -> b.tableName("p13-idempotency")).count() == recordsBefore, "priming had side effects");
        var get = new io.github.serverlesspatterns.examples.p13.OrdersApiFunctions.GetOrder(moto.dynamoDb(), orders);
        var cancel = new io.github.serverlesspatterns.examples.p13.OrdersApiFunctions.CancelOrder(moto.dynamoDb(), lambda.client(), orders, "p13-notify");
        lambda.register(SamFunctions.config(template13, "CreateOrderFunction", "p13-CreateOrderFunction", LocalFunction.of(create)).build());
        lambda.register(SamFunctions.config(template13, "GetOrderFunction", "p13-GetOrderFunction", LocalFunction.of(get)).build());
        lambda.register(SamFunctions.config(template13, "CancelOrderFunction", "p13-CancelOrderFunction", LocalFunction.of(cancel)).build());
        try (ApiGateway api = new ApiGateway(exampleDir("13-robust-api").resolve("template.yaml"), Map.of(), lambda, "p13-")) {
            var http = java.net.http.HttpClient.newHttpClient();
            String key = "k-" + System.nanoTime();
            java.util.function.Function<java.net.http.HttpRequest.Builder, java.net.http.HttpResponse<String>> send = request -> {
                try {
                    return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            java.util.function.BiFunction<String, String, java.net.http.HttpRequest.Builder> post = (idempotencyKey, body) -> {
                var b = java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/orders")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
                return idempotencyKey == null ? b : b.header("Idempotency-Key", idempotencyKey);
            };
            String order = "{\"customerId\":\"c-1\",\"sku\":\"p-1\",\"quantity\":3}";
            var created = send.apply(post.apply(key, order));
            var retried = send.apply(post.apply(key, order));
            var noKey = send.apply(post.apply(null, order));
            var refused = send.apply(post.apply(key + "-zero", "{\"customerId\":\"c-1\",\"sku\":\"p-1\",\"quantity\":0}"));
            // the security review's high finding: the same key with another request must not replay the first order
            var otherCaller = send.apply(post.apply(key, "{\"customerId\":\"c-2\",\"sku\":\"p-1\",\"quantity\":3}"));
            var otherBody = send.apply(post.apply(key, "{\"customerId\":\"c-1\",\"sku\":\"p-1\",\"quantity\":4}"));
            // a refusal is not kept: the corrected request with the same key runs
            var corrected = send.apply(post.apply(key + "-zero", "{\"customerId\":\"c-1\",\"sku\":\"p-1\",\"quantity\":1}"));
            check(created.statusCode() == 201 && created.body().contains("\"totalCents\":750"), "POST: " + created.statusCode() + " " + created.body());
            check(retried.statusCode() == 201 && retried.body().equals(created.body()), "retried POST: " + retried.body());
            // the pricing service's own error text (it names the quantity) stays internal: it would be returned and replayed
            check(noKey.statusCode() == 400 && refused.statusCode() == 422 && refused.body().contains("pricing refused the order")
                            && !refused.body().contains("quantity"),
                    "bad POSTs: " + noKey.statusCode() + ", " + refused.statusCode() + " " + refused.body());
            String orderId = String.valueOf(JSON.readValue(created.body(), MAP_TYPE).get("orderId"));
            check(!otherCaller.body().contains(orderId) && !otherBody.body().contains(orderId),
                    "another request with the same key got the first order: " + otherCaller.body() + " / " + otherBody.body());
            check(otherBody.statusCode() == 422 && otherCaller.statusCode() == 422 && corrected.statusCode() == 201,
                    "same key, other body: " + otherBody.statusCode() + "; corrected after a refusal: " + corrected.statusCode());
            // the HTTP front door: the replay is marked; the library's refusals are RFC 9457 problems
            check("true".equals(retried.headers().firstValue("idempotent-replayed").orElse(null))
                            && created.headers().firstValue("idempotent-replayed").isEmpty(), "replay marking: " + retried.headers().map());
            check(otherBody.headers().firstValue("content-type").orElse("").equals("application/problem+json")
                            && otherBody.body().contains("\"type\":\"urn:serverless-patterns:problem:idempotency-key-reused\"")
                            && noKey.body().contains("urn:serverless-patterns:problem:idempotency-key-missing"),
                    "problems: " + otherBody.body() + " / " + noKey.body());
            var read = send.apply(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/orders/" + orderId)).GET());
            check(read.statusCode() == 200 && read.body().contains("PLACED") && read.body().contains("750"), "GET: " + read.body());
            check(lambda.awaitIdle(Duration.ofSeconds(30)), "notifications did not finish");
            var cancelled = send.apply(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/orders/" + orderId)).DELETE());
            var again = send.apply(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/orders/" + orderId)).DELETE());
            var unknown = send.apply(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/orders/o-none")).DELETE());
            check(cancelled.statusCode() == 200 && again.statusCode() == 409 && unknown.statusCode() == 404,
                    "DELETE: " + cancelled.statusCode() + ", again " + again.statusCode() + ", unknown " + unknown.statusCode());
            check(lambda.awaitIdle(Duration.ofSeconds(30)), "notifications did not finish");
            var after = send.apply(java.net.http.HttpRequest.newBuilder(api.endpoint().resolve("/orders/" + orderId)).GET());
            check(after.body().contains("CANCELLED") && after.body().contains("order.cancelled"), "after cancel: " + after.body());
            // pricing: the first order, the refused one and the corrected one (the same key with another body runs nothing);
            // notify: two orders and a cancel
            check(lambda.stats("p13-pricing").invocations() == 3 && lambda.stats("p13-notify").invocations() == 3,
                    "pricing " + lambda.stats("p13-pricing").invocations() + ", notify " + lambda.stats("p13-notify").invocations());
            check(api.hits().equals(Map.of("CreateOrderFunction", 7, "GetOrderFunction", 2, "CancelOrderFunction", 3)), "routes " + api.hits());
            check(emitted.total("idempotency", "create-order", "Replays") == 1, "metrics: " + emitted.figures());
            return withFigures("POST/GET/DELETE routed to 3 functions sharing one table; pricing called synchronously once per new order "
                    + "(a retried POST got the first answer), notifications sent asynchronously; 400/404/409/422 for bad requests; "
                    + "the SnapStart hook primed without side effects", emitted);
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read the robust API's template", e);
        }
    }

    /** Subscribes a (moto) SQS queue to a (moto) SNS topic, as the template's subscription does. */
    private static void subscribe(MotoService moto, software.amazon.awssdk.services.sqs.SqsClient motoSqs, String topic, String queue,
                                  Map<String, String> attributes) {
        String arn = motoSqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        moto.sns().subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(arn).attributes(attributes));
    }

    /** Receives and deletes what a subscriber's queue holds (until a receive comes back empty), returning one JSON field of each. */
    private static List<String> drainField(software.amazon.awssdk.services.sqs.SqsClient sqs, String queue, String field) {
        List<String> values = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (messages.isEmpty() && !values.isEmpty()) {
                break;
            }
            for (var m : messages) {
                try {
                    values.add(String.valueOf(JSON.readValue(m.body(), MAP_TYPE).get(field)));
                } catch (java.io.IOException e) {
                    throw new AssertionError("a subscriber got a non-JSON message: " + m.body(), e);
                }
                sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        }
        return values;
    }

    /** What a local HTTP stand-in answers. */
    private record Reply(int status, String body) {
    }

    /** Answers one request of a local HTTP stand-in. */
    @FunctionalInterface
    private interface Responder {
        Reply answer(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException;
    }

    /** Starts a local HTTP service (a partner, a legacy API, a payment provider) on a free port of 127.0.0.1; the caller stops it. */
    private static HttpServer localServer(String what, String path, Responder responder) {
        HttpServer server = io.github.serverlesspatterns.testing.LoopbackHttp.create("the local " + what, 16);
        server.createContext(path, exchange -> {
            try (exchange) {
                Reply reply = responder.answer(exchange);
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.status(), body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
