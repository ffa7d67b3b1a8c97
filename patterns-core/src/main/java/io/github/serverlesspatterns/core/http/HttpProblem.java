package io.github.serverlesspatterns.core.http;

import java.time.Instant;
import java.util.Optional;

/**
 * An exception of the library that has an HTTP answer: the status, an RFC 9457 problem type and a
 * title that are fixed per kind of problem (never the exception's message, which may name tables,
 * functions or keys), and when to retry, if known. The API Gateway adapters ({@link HttpApi},
 * {@link RestApi}) answer these as {@code application/problem+json}.
 */
public interface HttpProblem {

    /** @return the HTTP status: 4xx for the caller's problems, 5xx for ours */
    int httpStatus();

    /** @return the problem's short name, the last part of its type URI ({@code urn:serverless-patterns:problem:<name>}) */
    String problemName();

    /** @return a short, fixed, human-readable summary for a public caller */
    String problemTitle();

    /** @return when the request may be retried (sent as {@code Retry-After}), if known */
    default Optional<Instant> retryAt() {
        return Optional.empty();
    }
}
