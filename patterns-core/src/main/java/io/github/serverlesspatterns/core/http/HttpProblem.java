package io.github.serverlesspatterns.core.http;

import java.time.Instant;
import java.util.Optional;

/**
 * An exception of the library that has an HTTP answer: its {@link ProblemType} (status, RFC 9457
 * type and a fixed title, never the exception's message, which may name tables, functions or
 * keys) and when to retry, if known. The API Gateway adapters ({@link HttpApi}, {@link RestApi})
 * answer these as {@code application/problem+json}.
 */
public interface HttpProblem {

    /** @return the kind of problem, fixed per exception class */
    ProblemType problemType();

    /** @return when the request may be retried (sent as {@code Retry-After}), if known */
    default Optional<Instant> retryAt() {
        return Optional.empty();
    }
}
