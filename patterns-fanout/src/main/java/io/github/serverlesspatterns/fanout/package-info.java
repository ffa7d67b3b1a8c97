/**
 * Calling other functions: {@link io.github.serverlesspatterns.fanout.Invoker} (Internal API and Internal Handoff),
 * {@link io.github.serverlesspatterns.fanout.Aggregator}, {@link io.github.serverlesspatterns.fanout.Router}, and
 * fan-out/fan-in ({@link io.github.serverlesspatterns.fanout.FanOut}, {@link io.github.serverlesspatterns.fanout.FanIn}).
 */
package io.github.serverlesspatterns.fanout;
