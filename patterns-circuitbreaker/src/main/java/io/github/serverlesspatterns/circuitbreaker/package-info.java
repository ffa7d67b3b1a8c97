/**
 * A circuit breaker shared by every instance of a function: {@link io.github.serverlesspatterns.circuitbreaker.CircuitBreaker}
 * keeps its state in a {@link io.github.serverlesspatterns.circuitbreaker.CircuitStateStore} (in-memory, Redis or DynamoDB)
 * and writes every transition by compare-and-set.
 */
package io.github.serverlesspatterns.circuitbreaker;
