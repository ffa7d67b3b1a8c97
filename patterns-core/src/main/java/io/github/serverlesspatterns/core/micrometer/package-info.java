/**
 * The patterns' metrics in a Micrometer {@code MeterRegistry}:
 * {@link io.github.serverlesspatterns.core.micrometer.MicrometerMetrics}. Needs
 * {@code io.micrometer:micrometer-core} (an optional dependency of {@code patterns-core}).
 */
package io.github.serverlesspatterns.core.micrometer;
