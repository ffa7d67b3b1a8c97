/**
 * jcstress tests of the circuit breaker's lock-free parts (the shared view, the outcome
 * compare-and-set, the probe slots), in the breaker's own package so that they reach its
 * package-private parts. Not part of any published artifact: this module is never deployed.
 * Run: {@code java -cp jmh/target/benchmarks.jar org.openjdk.jcstress.Main -t circuitbreaker -m quick}.
 */
package io.github.serverlesspatterns.circuitbreaker;
