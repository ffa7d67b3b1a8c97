/**
 * Metrics of the patterns: the {@link io.github.serverlesspatterns.core.metrics.Metrics} SPI (off by
 * default) and CloudWatch Embedded Metric Format output ({@link io.github.serverlesspatterns.core.metrics.EmfMetrics}).
 */
package io.github.serverlesspatterns.core.metrics;
