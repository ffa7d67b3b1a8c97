package io.github.serverlesspatterns.idempotency.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.metrics.Metrics;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.IdempotencyStore;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Idempotency for an API Gateway function keyed by the {@code Idempotency-Key} request header,
 * with the semantics of the IETF httpapi draft "The Idempotency-Key HTTP Header Field": the key
 * (1 to {@value #MAX_KEY_LENGTH} visible ASCII characters, quoted as a structured-field string or
 * not) names one request; its answer is stored and replayed to a retry, marked
 * {@code Idempotent-Replayed: true}. The library's refusals become problems that
 * {@link io.github.serverlesspatterns.core.http.HttpApi#answerProblems} and
 * {@link io.github.serverlesspatterns.core.http.RestApi#answerProblems} answer: no key (or a
 * malformed one) 400, the same key still in progress 409 with {@code Retry-After}, the same key with
 * another method, path, query or body 422. The body is never parsed: the request's method, path,
 * query and raw body are hashed (SHA-256) as the payload a retry must repeat. Answers with a 5xx
 * status are not stored (the next retry runs again); which are is configurable.
 *
 * <pre>{@code
 * Idempotency<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> once = HttpIdempotency.httpApi(store, "create-order").build();
 * Handler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> api = HttpApi.answerProblems(Decorators.decorate(createOrder, once));
 * }</pre>
 *
 * Needs {@code aws-lambda-java-events} (optional for the library).
 */
public final class HttpIdempotency {

    /** The request header that carries the key: {@value}. */
    public static final String KEY_HEADER = "Idempotency-Key";
    /** The response header that marks a replayed answer: {@value}. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** The longest key accepted: {@value} characters. */
    public static final int MAX_KEY_LENGTH = 255;

    private HttpIdempotency() {
    }

    /**
     * @param store the idempotency store
     * @param name  the idempotency name (records are namespaced by it and the function)
     * @return a builder for an HTTP API (payload format 2.0) function
     */
    public static Builder<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> httpApi(IdempotencyStore store, String name) {
        return new Builder<>(store, name, HttpShape.HTTP_API);
    }

    /**
     * @param store the idempotency store
     * @param name  the idempotency name
     * @return a builder for a REST API (proxy integration, payload format 1.0) function
     */
    public static Builder<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> restApi(IdempotencyStore store, String name) {
        return new Builder<>(store, name, HttpShape.REST_API);
    }

    /** The key of a header value: the structured-field string's content, if valid; else null (answered 400). */
    static String key(String header) {
        if (header == null) {
            return null;
        }
        String key = header.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return null;
            }
        }
        return key;
    }

    /**
     * Builder of an HTTP idempotency decorator. Not thread-safe; what it builds is.
     *
     * @param <E> the request event type
     * @param <R> the response type
     */
    public static final class Builder<E, R> {
        private final IdempotencyStore store;
        private final String name;
        private final HttpShape<E, R> shape;
        private Function<? super E, String> scope;
        private IntPredicate storeIf = status -> status < 500;
        private Duration completedExpiry;
        private boolean keyRequired = true;
        private Metrics metrics = Metrics.none();

        private Builder(IdempotencyStore store, String name, HttpShape<E, R> shape) {
            this.store = Objects.requireNonNull(store, "store");
            this.name = Objects.requireNonNull(name, "name");
            this.shape = shape;
        }

        /**
         * Scopes keys to a caller or tenant (say the authorizer's principal): another caller's equal
         * key is another record, so a replay never reaches a caller it was not made for.
         *
         * @param scope the request to its caller or tenant (no scope: answered 400, nothing runs)
         * @return this builder
         */
        public Builder<E, R> scope(Function<? super E, String> scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /**
         * Which answers are stored for replay, by status (default: below 500). A 4xx that means
         * "fix the request and retry with the same key" (say 400) may be left out too.
         *
         * @param storeIf the statuses to store
         * @return this builder
         */
        public Builder<E, R> storeIf(IntPredicate storeIf) {
            this.storeIf = Objects.requireNonNull(storeIf, "storeIf");
            return this;
        }

        /**
         * @param completedExpiry how long an answer is replayed (default: the idempotency default, 1 hour)
         * @return this builder
         */
        public Builder<E, R> completedExpiry(Duration completedExpiry) {
            this.completedExpiry = Objects.requireNonNull(completedExpiry, "completedExpiry");
            return this;
        }

        /**
         * @param required whether a request without the header is refused (400, the default) or runs unprotected
         * @return this builder
         */
        public Builder<E, R> keyRequired(boolean required) {
            this.keyRequired = required;
            return this;
        }

        /**
         * @param metrics where to report claims, replays, refusals and store calls ({@code IdempotencyConfig.Builder#metrics})
         * @return this builder
         */
        public Builder<E, R> metrics(Metrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** @return the decorator (an {@link Idempotency}, so it primes and restores with SnapStart like any other) */
        public Idempotency<E, R> build() {
            Codec<R> responses = new Codec<>() {
                @Override
                public byte[] encode(R response) {
                    return StoredResponse.CODEC.encode(shape.store(response));
                }

                @Override
                public R decode(byte[] bytes) {
                    return shape.restore(StoredResponse.CODEC.decode(bytes));
                }
            };
            IdempotencyConfig.Builder<E, R> config = IdempotencyConfig.<E, R>builder(name,
                            request -> key(shape.header(request, KEY_HEADER)), responses)
                    .payload(shape::payload)
                    .storeResultIf(response -> storeIf.test(shape.status(response)))
                    .responseHook((response, record) -> shape.replayed(response))
                    .missingKeyPolicy(keyRequired ? IdempotencyConfig.MissingKeyPolicy.REJECT
                            : IdempotencyConfig.MissingKeyPolicy.RUN_UNPROTECTED)
                    .metrics(metrics);
            if (scope != null) {
                config.scope(scope);
            }
            if (completedExpiry != null) {
                config.completedExpiry(completedExpiry);
            }
            return Idempotency.of(store, config.build());
        }
    }
}
