/** The Redis idempotency store (Lettuce is an optional dependency). */
package io.github.serverlesspatterns.idempotency.redis;
