/**
 * Idempotency: a decorator ({@link io.github.serverlesspatterns.idempotency.Idempotency}) that makes a
 * handler's effect happen once per key and replays the stored result to duplicates, with in-memory,
 * DynamoDB and Redis stores behind {@link io.github.serverlesspatterns.idempotency.IdempotencyStore}.
 */
package io.github.serverlesspatterns.idempotency;
