package io.github.serverlesspatterns.idempotency;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC (its own is a no-op), chosen for this module's tests by the
 * {@code slf4j.provider} system property (pom), so that {@code IdempotencyLogContextTest} can see
 * the keys a logging backend such as Logback would print.
 */
public final class MdcSimpleProvider extends SimpleServiceProvider {

    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
