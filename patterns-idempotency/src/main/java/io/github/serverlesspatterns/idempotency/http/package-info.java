/**
 * Idempotency for API Gateway functions keyed by the {@code Idempotency-Key} header
 * ({@link io.github.serverlesspatterns.idempotency.http.HttpIdempotency}). Needs
 * {@code aws-lambda-java-events}, an optional dependency of the library.
 */
package io.github.serverlesspatterns.idempotency.http;
