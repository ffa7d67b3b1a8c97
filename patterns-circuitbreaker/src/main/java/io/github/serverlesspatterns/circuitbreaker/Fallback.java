package io.github.serverlesspatterns.circuitbreaker;

import io.github.serverlesspatterns.core.Invocation;

/**
 * What a call returns when the circuit does not permit it (instead of throwing
 * {@link CallNotPermittedException}): a cached value, a default, a queued hand-off.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface Fallback<I, O> {

    /**
     * @param input      the call's input
     * @param invocation the call's invocation
     * @param rejection  why the call was not permitted (circuit, state, next probe time)
     * @return the fallback result
     */
    O apply(I input, Invocation invocation, CallNotPermittedException rejection);
}
