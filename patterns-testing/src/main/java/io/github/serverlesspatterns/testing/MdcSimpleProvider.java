package io.github.serverlesspatterns.testing;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC (its own is a no-op), so that a test can see the MDC keys the
 * patterns set ({@code core.logging.LogContext}) as a logging backend such as Logback would print
 * them. Chosen with the {@code slf4j.provider} system property, e.g. in Surefire's
 * {@code systemPropertyVariables}: {@code io.github.serverlesspatterns.testing.MdcSimpleProvider}.
 * Needs {@code slf4j-simple} on the test class path (the kit does not bring it: it is optional here).
 */
public final class MdcSimpleProvider extends SimpleServiceProvider {

    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
