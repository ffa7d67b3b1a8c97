package io.github.serverlesspatterns.fanout;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.internal.Checks;
import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.DeadlineExceededException;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.core.metrics.Metrics;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * An {@link Invoker} over the Lambda Invoke API: typed through codecs, payload size checked
 * before sending, function errors ({@code X-Amz-Function-Error}) turned into
 * {@link RemoteFunctionException}, and the caller's request id sent as the correlation id in the
 * client context ({@code custom.correlationId}). Immutable and thread-safe.
 *
 * <p><b>Retries of synchronous calls.</b> The SDK's default strategy retries a call whose answer
 * did not arrive (a read timeout, a dropped connection, a 5xx): Lambda has then run the function
 * already, and the retry runs it again (4 runs for one call with a 400 ms read timeout). So
 * {@link #call} retries only what provably did not run it: 429 throttling (up to
 * {@value #SYNC_ATTEMPTS} attempts, with backoff) and connections that were never made. What is
 * left is thrown as {@link FunctionThrottledException} (did not run; retry later) or
 * {@link InvocationOutcomeUnknownException} (may have run). A callee that is idempotent can have
 * the client's own strategy back with {@link #withSdkRetries()}. {@link #send} ({@code Event})
 * keeps the client's strategy: Lambda itself may run an event twice, so its callee must be
 * idempotent anyway.
 *
 * @param <I> request type
 * @param <O> response type
 */
public final class LambdaInvoker<I, O> implements Invoker<I, O>, Primeable {

    /** Synchronous request payload limit of Lambda: 6 MB. */
    public static final int DEFAULT_SYNC_LIMIT = 6 * 1024 * 1024;
    /** Asynchronous request payload limit of Lambda: 1 MB (raised from 256 KB in 2025). */
    public static final int DEFAULT_ASYNC_LIMIT = 1024 * 1024;


    private final LambdaClient lambda;
    private final String function;
    private final String qualifier;
    private final Codec<I> requestCodec;
    private final Codec<O> responseCodec;
    private final int syncLimit;
    private final int asyncLimit;
    private final boolean sdkRetries;
    private final Metrics metrics;
    /** Measures {@code CallDuration}. */
    private final Ticker ticker;

    /** Attempts of a synchronous call that Lambda throttled: {@value}. */
    public static final int SYNC_ATTEMPTS = 3;

    /** Retries only what did not run the function: a 429, or a connection that was never made. */
    private static final RetryStrategy SYNC_RETRY_STRATEGY = StandardRetryStrategy.builder()
            .maxAttempts(SYNC_ATTEMPTS)
            .retryOnException(LambdaInvoker::didNotRun)
            .treatAsThrottling(e -> e instanceof TooManyRequestsException)
            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(1)))
            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(2)))
            .circuitBreakerEnabled(false)
            .build();

    /** Applied per synchronous request: the client's own strategy stays for everything else. */
    private static final SdkPlugin SYNC_RETRIES = config -> config.overrideConfiguration(
            config.overrideConfiguration().toBuilder().retryStrategy(SYNC_RETRY_STRATEGY).build());

    static boolean didNotRun(Throwable e) {
        if (e instanceof TooManyRequestsException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return true; // never reached Lambda
            }
        }
        return false;
    }

    private LambdaInvoker(LambdaClient lambda, String function, String qualifier, Codec<I> requestCodec, Codec<O> responseCodec,
                          int syncLimit, int asyncLimit, boolean sdkRetries, Metrics metrics, Ticker ticker) {
        this.metrics = metrics;
        this.ticker = ticker;
        this.lambda = lambda;
        this.function = function;
        this.qualifier = qualifier;
        this.requestCodec = requestCodec;
        this.responseCodec = responseCodec;
        this.syncLimit = syncLimit;
        this.asyncLimit = asyncLimit;
        this.sdkRetries = sdkRetries;
    }

    /**
     * @param lambda        a Lambda client the caller built
     * @param function      function name, {@code name:alias} or ARN
     * @param requestCodec  encodes requests
     * @param responseCodec decodes responses
     * @param <I>           request type
     * @param <O>           response type
     * @return the invoker, with Lambda's payload limits
     */
    public static <I, O> LambdaInvoker<I, O> of(LambdaClient lambda, String function, Codec<I> requestCodec, Codec<O> responseCodec) {
        Objects.requireNonNull(lambda, "lambda");
        Checks.notBlank(function, "function");
        return new LambdaInvoker<>(lambda, function, null, Objects.requireNonNull(requestCodec, "requestCodec"),
                Objects.requireNonNull(responseCodec, "responseCodec"), DEFAULT_SYNC_LIMIT, DEFAULT_ASYNC_LIMIT, false, Metrics.none(),
                Ticker.system());
    }

    /**
     * @param qualifier a version or alias
     * @return an invoker like this one that calls that version or alias
     */
    public LambdaInvoker<I, O> withQualifier(String qualifier) {
        Checks.notBlank(qualifier, "qualifier");
        String name = function.startsWith("arn:") ? function.substring(function.indexOf(":function:") + ":function:".length()) : function;
        if (name.contains(":")) {
            throw new IllegalArgumentException("function '" + function + "' already names a version or alias; Lambda refuses a "
                    + "second qualifier ('" + qualifier + "'): pass the plain name with withQualifier, or the qualified name alone");
        }
        return new LambdaInvoker<>(lambda, function, qualifier, requestCodec, responseCodec, syncLimit, asyncLimit, sdkRetries, metrics, ticker);
    }

    /**
     * Reports the calls under pattern {@code lambda-invoker} and the function's name: counts
     * {@code Calls}, {@code Events}, {@code FunctionErrors}, {@code Throttled},
     * {@code OutcomeUnknown}, {@code DeadlineExceeded}, and the duration {@code CallDuration} of
     * each synchronous call.
     *
     * @param metrics where to report
     * @return an invoker like this one that reports there
     */
    public LambdaInvoker<I, O> withMetrics(Metrics metrics) {
        return new LambdaInvoker<>(lambda, function, qualifier, requestCodec, responseCodec, syncLimit, asyncLimit, sdkRetries,
                Objects.requireNonNull(metrics, "metrics"), ticker);
    }

    /**
     * @param ticker what {@code CallDuration} is measured with; default {@link Ticker#system()}, a
     *               test gives the kit's {@code ManualTicker}
     * @return an invoker like this one that measures with it
     */
    public LambdaInvoker<I, O> withTicker(Ticker ticker) {
        return new LambdaInvoker<>(lambda, function, qualifier, requestCodec, responseCodec, syncLimit, asyncLimit, sdkRetries,
                metrics, Objects.requireNonNull(ticker, "ticker"));
    }

    /**
     * For an idempotent callee: synchronous calls use the client's own retry strategy, which also
     * retries read timeouts, dropped connections and 5xx answers — after which the function may run
     * again. Without this, only throttling and connections never made are retried.
     *
     * @return an invoker like this one whose synchronous calls the client retries as it likes
     */
    public LambdaInvoker<I, O> withSdkRetries() {
        return new LambdaInvoker<>(lambda, function, qualifier, requestCodec, responseCodec, syncLimit, asyncLimit, true, metrics, ticker);
    }

    /**
     * @param syncLimit  request bytes allowed for {@link #call} (1 to 6 MB)
     * @param asyncLimit request bytes allowed for {@link #send} (1 to 1 MB)
     * @return an invoker like this one with these limits
     */
    public LambdaInvoker<I, O> withLimits(int syncLimit, int asyncLimit) {
        if (syncLimit < 1 || syncLimit > DEFAULT_SYNC_LIMIT || asyncLimit < 1 || asyncLimit > DEFAULT_ASYNC_LIMIT) {
            throw new IllegalArgumentException("limits must be 1.." + DEFAULT_SYNC_LIMIT + " and 1.." + DEFAULT_ASYNC_LIMIT
                    + ": " + syncLimit + ", " + asyncLimit);
        }
        return new LambdaInvoker<>(lambda, function, qualifier, requestCodec, responseCodec, syncLimit, asyncLimit, sdkRetries, metrics, ticker);
    }

    /**
     * Calls the function and waits for its answer, never past the calling invocation's deadline:
     * the SDK call (with its retries) is bounded by the invocation's remaining time, and
     * {@link DeadlineExceededException} (naming this invocation) is thrown when it runs out.
     *
     * @throws RemoteFunctionException             the function ran and failed
     * @throws FunctionThrottledException          Lambda throttled every attempt; the function did not run
     * @throws InvocationOutcomeUnknownException   no answer came back; the function may have run (not retried)
     * @throws PayloadTooLargeException            the request is over the limit; nothing was sent
     */
    @Override
    public O call(I request, Invocation invocation) {
        count("Calls");
        long start = ticker.nanoTime();
        InvokeResponse response;
        try {
            response = invoke(request(request, invocation, InvocationType.REQUEST_RESPONSE, syncLimit), invocation, !sdkRetries);
        } finally {
            metrics.time(METRICS_PATTERN, function, "CallDuration", ticker.nanoTime() - start);
        }
        byte[] payload = response.payload() == null ? new byte[0] : response.payload().asByteArray();
        if (response.functionError() != null) {
            count("FunctionErrors");
            String body = new String(payload, StandardCharsets.UTF_8);
            throw new RemoteFunctionException(function, field(body, "errorType", response.functionError()), field(body, "errorMessage", body));
        }
        if (payload.length == 0 || new String(payload, StandardCharsets.UTF_8).equals("null")) {
            return null;
        }
        return responseCodec.decode(payload);
    }

    /** Queues an event for the function, bounded by the calling invocation's deadline as {@link #call} is. */
    @Override
    public void send(I request, Invocation invocation) {
        count("Events");
        invoke(request(request, invocation, InvocationType.EVENT, asyncLimit), invocation, false);
    }

    private InvokeResponse invoke(InvokeRequest request, Invocation invocation, boolean onlySafeRetries) {
        Duration left = invocation.remainingTime();
        if (left.isZero()) {
            throw new DeadlineExceededException("call to function '" + function + "' (not sent)", invocation);
        }
        try {
            return lambda.invoke(request.toBuilder().overrideConfiguration(o -> {
                o.apiCallTimeout(left);
                if (onlySafeRetries) {
                    o.addPlugin(SYNC_RETRIES);
                }
            }).build());
        } catch (ApiCallTimeoutException timeout) {
            count("DeadlineExceeded");
            throw new DeadlineExceededException("call to function '" + function + "'", invocation, timeout);
        } catch (TooManyRequestsException throttled) {
            count("Throttled");
            throw new FunctionThrottledException("function '" + function + "' is throttled (429 TooManyRequestsException"
                    + (onlySafeRetries ? ", on each of " + SYNC_ATTEMPTS + " attempts" : "") + "); it did not run: retry later, "
                    + "or raise its reserved concurrency", throttled);
        } catch (SdkClientException sent) {
            if (onlySafeRetries && !didNotRun(sent)) {
                count("OutcomeUnknown");
                throw new InvocationOutcomeUnknownException("call to function '" + function + "' got no answer (" + sent.getMessage()
                        + "): it may have run, and was not retried so that it cannot run twice", sent);
            }
            throw sent;
        }
    }

    private InvokeRequest request(I request, Invocation invocation, InvocationType type, int limit) {
        byte[] payload = requestCodec.encode(request);
        metrics.bytes(METRICS_PATTERN, function, "PayloadBytes", payload.length); // refused ones too: how close requests come
        if (payload.length > limit) {
            throw new PayloadTooLargeException("request to function '" + function + "' is " + payload.length
                    + " bytes encoded, over the " + limit + " byte " + (type == InvocationType.EVENT ? "asynchronous" : "synchronous")
                    + " limit; nothing was sent (pass a reference, e.g. an S3 key, instead)");
        }
        InvokeRequest.Builder b = target(type).payload(SdkBytes.fromByteArrayUnsafe(payload));
        if (type == InvocationType.REQUEST_RESPONSE) { // Lambda drops the client context of Event invokes anyway
            String context = Base64.getEncoder().encodeToString(("{\"custom\":{\"" + Invocation.CORRELATION_ID + "\":"
                    + jsonString(invocation.requestId()) + "}}").getBytes(StandardCharsets.UTF_8));
            if (context.length() <= MAX_CLIENT_CONTEXT_BYTES) { // one too long would fail the call: left out
                b.clientContext(context);
            }
        }
        return b.build();
    }

    /** The function, its qualifier if any, and the invocation type: what every request of this invoker names. */
    private InvokeRequest.Builder target(InvocationType type) {
        InvokeRequest.Builder b = InvokeRequest.builder().functionName(function).invocationType(type);
        if (qualifier != null) {
            b.qualifier(qualifier);
        }
        return b;
    }

    /** The metrics' pattern dimension: {@value}. */
    static final String METRICS_PATTERN = "lambda-invoker";

    private void count(String metric) {
        metrics.count(METRICS_PATTERN, function, metric, 1);
    }

    /** Lambda's limit on the client context: 3,583 bytes of base64 (about 2,687 of JSON); a longer one would fail the call. */
    static final int MAX_CLIENT_CONTEXT_BYTES = 3583;

    /** A JSON string literal, escaped by the project's one JSON string codec. */
    static String jsonString(String text) {
        return new String(Codecs.jsonString().encode(text), StandardCharsets.UTF_8);
    }

    /**
     * The string value of a top-level-looking {@code "name": "..."} field of Lambda's error
     * document, unescaped ({@code \n} becomes a newline). A linear scan, no regular expression:
     * a long message cannot overflow the stack.
     */
    static String field(String json, String name, String fallback) {
        String key = "\"" + name + "\"";
        for (int at = json.indexOf(key); at >= 0; at = json.indexOf(key, at + 1)) {
            int i = skipSpace(json, at + key.length());
            if (i >= json.length() || json.charAt(i) != ':') {
                continue;
            }
            i = skipSpace(json, i + 1);
            if (i >= json.length() || json.charAt(i) != '"') {
                continue;
            }
            int end = i + 1;
            while (end < json.length() && json.charAt(end) != '"') {
                end += json.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= json.length()) {
                return fallback;
            }
            try {
                return Codecs.jsonString().decode(json.substring(i, end + 1).getBytes(StandardCharsets.UTF_8));
            } catch (CodecException malformed) {
                return fallback;
            }
        }
        return fallback;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    @Override
    public String toString() {
        return "LambdaInvoker{" + function + (qualifier == null ? "" : ":" + qualifier) + '}';
    }

    /**
     * Warms the client for a SnapStart snapshot with a {@code DryRun} invocation of the function:
     * Lambda checks the function exists and the caller may invoke it, and runs nothing. Needs only
     * {@code lambda:InvokeFunction}, which calling the function needs anyway.
     *
     * @throws io.github.serverlesspatterns.core.PatternsException naming the function when the dry run is refused
     */
    @Override
    public void prime() {
        try {
            lambda.invoke(target(InvocationType.DRY_RUN).build());
        } catch (RuntimeException e) {
            throw new PatternsException("function '" + function + "': priming (DryRun) failed: "
                    + e.getMessage(), e);
        }
    }
}
