package io.github.serverlesspatterns.core.http;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Handler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * RFC 9457 problem details for the library's {@link HttpProblem} exceptions: the JSON body
 * ({@code type}, {@code title}, {@code status}) and the headers ({@code Content-Type:
 * application/problem+json}, {@code Retry-After} in whole seconds, at least 1, when known).
 * Shared by {@link HttpApi} and {@link RestApi}; stateless.
 */
public final class Problems {

    /** The media type of a problem document: {@value}. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** The prefix of every problem type URI of the library: {@value}. */
    public static final String TYPE_PREFIX = "urn:serverless-patterns:problem:";

    private Problems() {
    }

    /**
     * @param failure what a handler threw
     * @return its HTTP problem, if it is one of the library's
     */
    public static Optional<HttpProblem> of(Throwable failure) {
        return failure instanceof HttpProblem problem ? Optional.of(problem) : Optional.empty();
    }

    /**
     * @param problem the problem
     * @return its RFC 9457 JSON document
     */
    public static String json(HttpProblem problem) {
        ProblemType type = problem.problemType();
        return "{\"type\":" + string(type.uri()) + ",\"title\":" + string(type.title()) + ",\"status\":" + type.status() + "}";
    }

    /**
     * @param problem the problem
     * @param now     the time to count {@code Retry-After} from
     * @return the response headers
     */
    public static Map<String, String> headers(HttpProblem problem, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", MEDIA_TYPE);
        problem.retryAt().ifPresent(at -> headers.put("Retry-After", Long.toString(Math.max(1,
                (Duration.between(now, at).toMillis() + 999) / 1000))));
        return headers;
    }

    /**
     * A handler whose {@link HttpProblem} exceptions become the response {@code answer} makes of
     * them (the front doors' shared part); any other exception passes through.
     */
    static <E, R> Handler<E, R> answering(Handler<E, R> handler,
            BiFunction<HttpProblem, Instant, R> answer) {
        Objects.requireNonNull(handler, "handler");
        return (request, invocation) -> {
            try {
                return handler.handle(request, invocation);
            } catch (RuntimeException e) {
                HttpProblem problem = of(e).orElseThrow(() -> e);
                return answer.apply(problem, invocation.clock().instant());
            }
        };
    }

    private static String string(String text) {
        return new String(Codecs.jsonString().encode(text), StandardCharsets.UTF_8);
    }
}
