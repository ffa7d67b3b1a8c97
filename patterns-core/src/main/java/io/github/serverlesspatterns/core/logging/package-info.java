/** Log correlation: the SLF4J MDC keys the patterns set ({@link io.github.serverlesspatterns.core.logging.LogContext}). */
package io.github.serverlesspatterns.core.logging;
