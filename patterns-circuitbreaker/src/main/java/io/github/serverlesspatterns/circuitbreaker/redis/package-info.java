/** The Redis circuit state store (Lettuce is an optional dependency). */
package io.github.serverlesspatterns.circuitbreaker.redis;
