package io.github.serverlesspatterns.examples.shared;

import io.github.serverlesspatterns.core.metrics.EmfMetrics;

/**
 * The examples' metrics: the library's EMF documents on stdout, which Lambda's log agent turns into
 * CloudWatch metrics under one namespace; the templates' alarms watch them there.
 */
public final class ExampleMetrics {

    /** The CloudWatch namespace of every example's metrics: {@value}. */
    public static final String NAMESPACE = "ServerlessPatterns/Examples";

    private ExampleMetrics() {
    }

    /** @return EMF metrics on stdout under {@link #NAMESPACE} (flush them after each invocation: {@code flushing()}) */
    public static EmfMetrics onStdout() {
        return EmfMetrics.create(NAMESPACE);
    }
}
