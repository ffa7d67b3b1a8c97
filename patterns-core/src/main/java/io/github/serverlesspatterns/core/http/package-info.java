/**
 * HTTP front doors: the library's exceptions as RFC 9457 problem details ({@link
 * io.github.serverlesspatterns.core.http.HttpProblem}, {@link io.github.serverlesspatterns.core.http.Problems}),
 * answered by the API Gateway adapters for HTTP APIs ({@link io.github.serverlesspatterns.core.http.HttpApi})
 * and REST APIs ({@link io.github.serverlesspatterns.core.http.RestApi}). The adapters need
 * {@code aws-lambda-java-events}, an optional dependency of the library.
 */
package io.github.serverlesspatterns.core.http;
