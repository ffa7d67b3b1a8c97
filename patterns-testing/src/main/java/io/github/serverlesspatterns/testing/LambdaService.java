package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.LambdaAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The AWS Lambda Invoke REST API ({@code POST /2015-03-31/functions/{name}/invocations}) served
 * from this JVM for functions registered in-process, so that the real {@link LambdaClient} is
 * exercised unchanged. No emulator runs Java handlers here without Docker.
 *
 * <p>What it does as Lambda does:
 * <ul>
 *   <li>{@code RequestResponse}: runs the function and answers 200 with its result; a function
 *       exception answers 200 with {@code X-Amz-Function-Error: Unhandled} and the error JSON
 *       ({@code errorMessage}, {@code errorType}, {@code stackTrace}); a run past the function's
 *       timeout answers a {@code Sandbox.Timedout} function error; beyond the reserved
 *       concurrency it answers 429 {@code TooManyRequestsException}.</li>
 *   <li>{@code Event}: answers 202 at once and runs the function in the background, waiting its
 *       turn under the reserved concurrency; a failed event is retried (2 times by default) and
 *       then sent to the function's on-failure destination and/or dead-letter queue.</li>
 *   <li>{@code DryRun}: answers 204.</li>
 *   <li>A payload that is not JSON answers 400 {@code InvalidRequestContentException} and runs
 *       nothing (an empty payload reaches the function as {@code {}}); a response over
 *       {@value #RESPONSE_LIMIT} bytes is a {@code Function.ResponseSizeTooLarge} function error.</li>
 *   <li>An unknown function, or a qualifier that is neither {@code $LATEST} nor one of the
 *       function's aliases, answers 404 {@code ResourceNotFoundException}; a payload over the
 *       limit ({@value #SYNC_PAYLOAD_LIMIT} bytes synchronous, {@value #ASYNC_PAYLOAD_LIMIT}
 *       asynchronous) answers 413 {@code RequestTooLargeException}.</li>
 * </ul>
 * Function names may be plain names, {@code name:qualifier} or ARNs, and the qualifier may come as
 * the {@code Qualifier} parameter (both at once only if they agree, as Lambda requires). Thread-safe.
 */
public final class LambdaService implements AutoCloseable {

    /** Largest synchronous request payload Lambda accepts: 6 MB. */
    public static final int SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
    /** Largest asynchronous request payload Lambda accepts: 1 MB. */
    public static final int ASYNC_PAYLOAD_LIMIT = 1024 * 1024;

    /** Largest response payload Lambda returns: 6 MB. */
    public static final int RESPONSE_LIMIT = 6 * 1024 * 1024;

    private static final byte[] EMPTY_EVENT = {'{', '}'};
    private static final Logger LOG = LoggerFactory.getLogger(LambdaService.class);
    private static final String PREFIX = "/2015-03-31/functions/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final URI endpoint;
    private final LambdaClient client;
    private final ExecutorService httpThreads;
    private final ExecutorService functionThreads;
    private final ExecutorService eventThreads;
    private final Map<String, Hosted> functions = new ConcurrentHashMap<>();
    private final AtomicInteger pendingEvents = new AtomicInteger();

    private LambdaService(HttpServer server) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        this.httpThreads = Executors.newCachedThreadPool(daemon("lambda-http"));
        this.functionThreads = Executors.newCachedThreadPool(daemon("lambda-fn"));
        this.eventThreads = Executors.newCachedThreadPool(daemon("lambda-event"));
        server.setExecutor(httpThreads);
        server.createContext(PREFIX, this::serve);
        server.start();
        this.client = AwsClients.configure(LambdaClient.builder(), endpoint).build();
    }

    /**
     * Starts the endpoint on a free port of 127.0.0.1.
     *
     * @return the running service
     */
    public static LambdaService start() {
        return new LambdaService(LoopbackHttp.create("the local Lambda endpoint", 64));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** @return the endpoint to point a {@link LambdaClient} at */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a shared Lambda client for this endpoint (closed by {@link #close()}) */
    public LambdaClient client() {
        return client;
    }

    /**
     * Hosts a function with the default settings.
     *
     * @param name     the function name
     * @param function the code
     * @return the function's statistics
     */
    public FunctionStats register(String name, LocalFunction function) {
        return register(FunctionConfig.builder(name, function).build());
    }

    /**
     * Hosts a function, replacing any function of the same name.
     *
     * @param config the function and its settings
     * @return the function's statistics
     */
    public FunctionStats register(FunctionConfig config) {
        Objects.requireNonNull(config, "config");
        Hosted hosted = new Hosted(config);
        functions.put(config.name(), hosted);
        return hosted.stats;
    }

    /**
     * Stops hosting a function; later calls get {@code ResourceNotFoundException}.
     *
     * @param name the function name
     */
    public void unregister(String name) {
        functions.remove(name);
    }

    /**
     * @param name the function name
     * @return its statistics
     * @throws IllegalArgumentException if no such function is hosted
     */
    public FunctionStats stats(String name) {
        Hosted hosted = functions.get(name);
        if (hosted == null) {
            throw new IllegalArgumentException("no local function named " + name);
        }
        return hosted.stats;
    }

    /**
     * Waits until no asynchronous event is queued, running or waiting for a retry.
     *
     * @param timeout the longest wait
     * @return {@code true} if idle, {@code false} if the timeout passed first
     */
    public boolean awaitIdle(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (pendingEvents.get() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().add("x-amzn-RequestId", requestId);
            String path = exchange.getRequestURI().getRawPath();
            if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/invocations")) {
                error(exchange, 404, "UnknownOperationException", "only POST " + PREFIX + "{name}/invocations is served here");
                return;
            }
            String rawName = path.substring(PREFIX.length(), path.length() - "/invocations".length());
            String given = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            String name = functionName(given);
            String qualifier = qualifier(given, exchange.getRequestURI().getRawQuery());
            String inName = qualifier(given, null);
            if (inName != null && !inName.equals(qualifier)) { // Lambda refuses two qualifiers that disagree
                error(exchange, 400, "InvalidParameterValueException",
                        "The derived qualifier from the function name does not match the specified qualifier.");
                return;
            }
            Hosted hosted = functions.get(name);
            if (hosted == null || (qualifier != null && !hosted.config.answersTo(qualifier))) {
                error(exchange, 404, "ResourceNotFoundException", "Function not found: " + arn(name)
                        + (qualifier == null ? "" : ":" + qualifier));
                return;
            }
            byte[] payload;
            try (InputStream in = exchange.getRequestBody()) {
                payload = in.readAllBytes();
            }
            if (payload.length == 0) {
                payload = EMPTY_EVENT; // Lambda hands an Invoke without a payload to the function as {}
            }
            exchange.getResponseHeaders().add("X-Amz-Executed-Version",
                    qualifier == null || "$LATEST".equals(qualifier) ? "$LATEST" : "1");
            String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type")).orElse("RequestResponse");
            switch (type) {
                case "DryRun":
                    exchange.sendResponseHeaders(204, -1);
                    return;
                case "Event":
                    if (payload.length > ASYNC_PAYLOAD_LIMIT) {
                        tooLarge(exchange, ASYNC_PAYLOAD_LIMIT);
                        return;
                    }
                    if (notJson(exchange, hosted, payload)) {
                        return;
                    }
                    enqueue(hosted, payload, requestId);
                    exchange.sendResponseHeaders(202, -1);
                    return;
                case "RequestResponse":
                    if (payload.length > SYNC_PAYLOAD_LIMIT) {
                        tooLarge(exchange, SYNC_PAYLOAD_LIMIT);
                        return;
                    }
                    if (notJson(exchange, hosted, payload)) {
                        return;
                    }
                    String correlationId;
                    try {
                        correlationId = ClientContexts.correlationId(exchange.getRequestHeaders().getFirst("X-Amz-Client-Context"));
                    } catch (IllegalArgumentException invalid) {
                        error(exchange, 400, "InvalidParameterValueException", invalid.getMessage());
                        return;
                    }
                    invokeSync(exchange, hosted, payload, requestId, correlationId);
                    return;
                default:
                    error(exchange, 400, "InvalidParameterValueException", "unknown X-Amz-Invocation-Type: " + type);
            }
        } catch (RuntimeException e) {
            LOG.error("local Lambda endpoint failed on {}", exchange.getRequestURI(), e);
            throw e;
        }
    }

    /** Answers 400 {@code InvalidRequestContentException}, as Invoke does, to a payload that is not JSON. */
    private static boolean notJson(HttpExchange exchange, Hosted hosted, byte[] payload) throws IOException {
        String invalid = InvokePayloads.jsonProblem(payload);
        if (invalid == null) {
            return false;
        }
        hosted.stats.rejected.incrementAndGet();
        error(exchange, 400, "InvalidRequestContentException", "Could not parse request body into json: " + invalid);
        return true;
    }

    /** {@code name:qualifier} of a plain name, {@code name:qualifier} or an ARN ({@code ...:function:name[:qualifier]}). */
    private static String unqualifiedArn(String given) {
        if (!given.startsWith("arn:")) {
            return given;
        }
        int at = given.indexOf(":function:");
        return at < 0 ? given : given.substring(at + ":function:".length());
    }

    private static String functionName(String given) {
        String name = unqualifiedArn(given);
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** The qualifier of {@code name:qualifier}, an ARN's {@code :function:name:qualifier}, or the {@code Qualifier} query parameter. */
    private static String qualifier(String given, String rawQuery) {
        if (rawQuery != null) {
            for (String part : rawQuery.split("&")) {
                if (part.startsWith("Qualifier=")) {
                    return URLDecoder.decode(part.substring("Qualifier=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        String name = unqualifiedArn(given);
        int colon = name.indexOf(':');
        return colon < 0 ? null : name.substring(colon + 1);
    }

    private static String arn(String name) {
        return "arn:aws:lambda:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT_ID + ":function:" + name;
    }

    private void invokeSync(HttpExchange exchange, Hosted hosted, byte[] payload, String requestId, String correlationId)
            throws IOException {
        if (!hosted.permits.tryAcquire()) {
            hosted.stats.throttles.incrementAndGet();
            error(exchange, 429, "TooManyRequestsException", "Rate Exceeded.",
                    "\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\",");
            return;
        }
        Outcome outcome = run(hosted, payload, requestId, correlationId);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (outcome.error != null) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
        }
        byte[] body = outcome.body();
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Runs the function once under a permit the caller acquired; releases it when the code ends. */
    private Outcome run(Hosted hosted, byte[] payload, String requestId, String correlationId) {
        FunctionConfig config = hosted.config;
        Invocation.Builder builder = Invocation.builder().requestId(requestId).functionName(config.name()).timeout(config.timeout());
        if (correlationId != null) {
            builder.correlationId(correlationId);
        }
        Invocation invocation = builder.build();
        Context context = LambdaAdapters.contextOf(invocation);
        hosted.stats.invocations.incrementAndGet();
        int now = hosted.stats.running.incrementAndGet();
        hosted.stats.maxConcurrency.accumulateAndGet(now, Math::max);
        Future<byte[]> future;
        try {
            future = functionThreads.submit(() -> {
                try {
                    return config.function().invoke(payload, context);
                } finally {
                    hosted.stats.running.decrementAndGet();
                    hosted.permits.release();
                }
            });
        } catch (RuntimeException e) {
            hosted.stats.running.decrementAndGet();
            hosted.permits.release();
            throw e;
        }
        try {
            byte[] response = future.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (response != null && response.length > RESPONSE_LIMIT) {
                hosted.stats.errors.incrementAndGet();
                String message = "Response payload size (" + response.length + " bytes) exceeded maximum allowed payload size ("
                        + RESPONSE_LIMIT + " bytes).";
                return Outcome.failure(JSON.createObjectNode().put("errorMessage", message)
                        .put("errorType", "Function.ResponseSizeTooLarge"), message);
            }
            return Outcome.success(response);
        } catch (ExecutionException e) {
            hosted.stats.errors.incrementAndGet();
            if (e.getCause() instanceof RuntimeError runtime) {
                ObjectNode document = runtimeDocument(runtime);
                return Outcome.failure(document, document.path("errorMessage").asText());
            }
            return Outcome.failure(errorJson(e.getCause()), e.getCause().getMessage());
        } catch (TimeoutException e) {
            hosted.stats.errors.incrementAndGet();
            hosted.stats.timeouts.incrementAndGet();
            future.cancel(true);
            String message = String.format("%s %s Task timed out after %.2f seconds", Instant.now(), requestId,
                    config.timeout().toMillis() / 1000.0);
            ObjectNode json = JSON.createObjectNode().put("errorType", "Sandbox.Timedout").put("errorMessage", message);
            return Outcome.failure(json, message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return Outcome.failure(JSON.createObjectNode().put("errorType", "Interrupted")
                    .put("errorMessage", "local Lambda endpoint interrupted"), "interrupted");
        }
    }

    private void enqueue(Hosted hosted, byte[] payload, String requestId) {
        long received = System.nanoTime();
        pendingEvents.incrementAndGet();
        try {
            eventThreads.execute(() -> {
                try {
                    runEvent(hosted, payload, requestId, received);
                } catch (Throwable e) { // logged, so that a lost event is never silent (awaitIdle still ends)
                    LOG.error("event {} for {} was lost by the local Lambda endpoint", requestId, hosted.config.name(), e);
                } finally {
                    pendingEvents.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pendingEvents.decrementAndGet();
            throw e;
        }
    }

    private void runEvent(Hosted hosted, byte[] payload, String requestId, long receivedNanos) {
        FunctionConfig config = hosted.config;
        Outcome outcome = null;
        int attempts = 0;
        String condition = "RetriesExhausted";
        for (int attempt = 0; attempt <= config.maxEventRetries(); attempt++) {
            if (attempt > 0) {
                sleep(config.retryDelay());
            }
            hosted.permits.acquireUninterruptibly();
            if (System.nanoTime() - receivedNanos > config.maximumEventAge().toNanos()) {
                hosted.permits.release();
                condition = "EventAgeExceeded";
                break;
            }
            attempts++;
            outcome = run(hosted, payload, requestId, null); // Lambda drops the client context of an Event invoke
            if (outcome.error == null) {
                hosted.stats.eventsSucceeded.incrementAndGet();
                return;
            }
            LOG.debug("event {} for {} failed (attempt {}): {}", requestId, config.name(), attempts, outcome.errorMessage);
        }
        hosted.stats.eventsFailed.incrementAndGet();
        Outcome failed = outcome;
        int invokeCount = attempts;
        String why = condition;
        config.onFailure().ifPresent(d -> d.sqs().sendMessage(b -> b.queueUrl(d.queueUrl())
                .messageBody(destinationRecord(config.name(), requestId, payload, failed, invokeCount, why))));
        config.deadLetterQueue().ifPresent(d -> d.sqs().sendMessage(b -> b.queueUrl(d.queueUrl())
                .messageBody(new String(payload, StandardCharsets.UTF_8))
                .messageAttributes(Map.of(
                        "RequestID", stringAttribute(requestId),
                        "ErrorCode", stringAttribute("200"),
                        "ErrorMessage", stringAttribute(failed == null ? "event age exceeded" : String.valueOf(failed.errorMessage))))));
        if (config.onFailure().isEmpty() && config.deadLetterQueue().isEmpty()) {
            LOG.warn("event {} for {} failed {} times and has no on-failure destination or DLQ: dropped, as Lambda would",
                    requestId, config.name(), invokeCount);
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static String destinationRecord(String name, String requestId, byte[] payload, Outcome outcome, int invokeCount,
                                            String condition) {
        ObjectNode record = JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        ObjectNode requestContext = record.putObject("requestContext");
        requestContext.put("requestId", requestId);
        requestContext.put("functionArn", arn(name) + ":$LATEST");
        requestContext.put("condition", condition);
        requestContext.put("approximateInvokeCount", invokeCount);
        record.set("requestPayload", jsonOrString(payload));
        if (outcome == null) { // never run: no response to describe
            return record.toString();
        }
        ObjectNode responseContext = record.putObject("responseContext");
        responseContext.put("statusCode", 200);
        responseContext.put("executedVersion", "$LATEST");
        responseContext.put("functionError", "Unhandled");
        record.set("responsePayload", outcome.error);
        return record.toString();
    }

    private static JsonNode jsonOrString(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(payload, StandardCharsets.UTF_8));
        }
    }

    private static ObjectNode runtimeDocument(RuntimeError error) {
        try {
            JsonNode json = JSON.readTree(error.document());
            if (json instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException notJson) {
            // reported below as it came
        }
        return JSON.createObjectNode().put("errorType", "Runtime.Unknown").put("errorMessage", error.document());
    }

    private static ObjectNode errorJson(Throwable error) {
        ObjectNode json = JSON.createObjectNode();
        json.put("errorMessage", error.getMessage());
        json.put("errorType", error.getClass().getName());
        ArrayNode trace = json.putArray("stackTrace");
        for (StackTraceElement element : error.getStackTrace()) {
            trace.add(element.toString());
        }
        return json;
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void tooLarge(HttpExchange exchange, int limit) throws IOException {
        error(exchange, 413, "RequestTooLargeException",
                "Request must be smaller than " + limit + " bytes for the InvokeFunction operation");
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        error(exchange, status, type, message, "");
    }

    private static void error(HttpExchange exchange, int status, String type, String message, String extra) throws IOException {
        byte[] body = ("{" + extra + "\"Type\":\"User\",\"message\":" + JSON.writeValueAsString(message) + "}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        client.close();
        server.stop(0);
        httpThreads.shutdownNow();
        functionThreads.shutdownNow();
        eventThreads.shutdownNow();
    }

    @Override
    public String toString() {
        return "LambdaService{" + endpoint + ", functions=" + functions.keySet() + '}';
    }

    private static final class Hosted {
        final FunctionConfig config;
        final Semaphore permits;
        final FunctionStats stats = new FunctionStats();

        Hosted(FunctionConfig config) {
            this.config = config;
            this.permits = new Semaphore(config.reservedConcurrency().orElse(Integer.MAX_VALUE), true);
        }
    }

    private static final class Outcome {
        final byte[] result;
        final ObjectNode error;
        final String errorMessage;

        private Outcome(byte[] result, ObjectNode error, String errorMessage) {
            this.result = result;
            this.error = error;
            this.errorMessage = errorMessage;
        }

        static Outcome success(byte[] result) {
            return new Outcome(result == null ? new byte[0] : result, null, null);
        }

        static Outcome failure(ObjectNode error, String message) {
            return new Outcome(null, error, message);
        }

        byte[] body() {
            return error != null ? error.toString().getBytes(StandardCharsets.UTF_8) : result;
        }
    }

    /** Counters of one hosted function. Thread-safe; read at any time. */
    public static final class FunctionStats {
        private final AtomicLong invocations = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong timeouts = new AtomicLong();
        private final AtomicLong throttles = new AtomicLong();
        private final AtomicLong rejected = new AtomicLong();
        private final AtomicLong eventsSucceeded = new AtomicLong();
        private final AtomicLong eventsFailed = new AtomicLong();
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicInteger maxConcurrency = new AtomicInteger();

        FunctionStats() {
        }

        /** @return runs of the function's code, retries included */
        public long invocations() {
            return invocations.get();
        }

        /** @return runs that ended in a function error (timeouts included) */
        public long errors() {
            return errors.get();
        }

        /** @return runs that exceeded the timeout */
        public long timeouts() {
            return timeouts.get();
        }

        /** @return synchronous calls refused with 429 */
        public long throttles() {
            return throttles.get();
        }

        /** @return calls refused before the function ran because their payload was not JSON (400 {@code InvalidRequestContentException}) */
        public long rejected() {
            return rejected.get();
        }

        /** @return events that eventually succeeded */
        public long eventsSucceeded() {
            return eventsSucceeded.get();
        }

        /** @return events whose retries were exhausted */
        public long eventsFailed() {
            return eventsFailed.get();
        }

        /** @return runs in progress now */
        public int running() {
            return running.get();
        }

        /** @return the most runs seen in progress at once */
        public int maxConcurrency() {
            return maxConcurrency.get();
        }

        @Override
        public String toString() {
            return "FunctionStats{invocations=" + invocations + ", errors=" + errors + ", timeouts=" + timeouts
                    + ", throttles=" + throttles + ", rejected=" + rejected + ", eventsSucceeded=" + eventsSucceeded + ", eventsFailed=" + eventsFailed
                    + ", maxConcurrency=" + maxConcurrency + '}';
        }
    }
}
