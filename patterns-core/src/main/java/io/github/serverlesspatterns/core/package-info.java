/**
 * The core of serverless-patterns: the user's {@link io.github.serverlesspatterns.core.Handler},
 * the {@link io.github.serverlesspatterns.core.Invocation} it runs in,
 * {@link io.github.serverlesspatterns.core.Decorator}s and their composition
 * ({@link io.github.serverlesspatterns.core.Decorators}), {@link io.github.serverlesspatterns.core.Codec}s,
 * the Lambda adapters ({@link io.github.serverlesspatterns.core.LambdaAdapters}) and the library's one
 * base exception ({@link io.github.serverlesspatterns.core.PatternsException}).
 */
package io.github.serverlesspatterns.core;
