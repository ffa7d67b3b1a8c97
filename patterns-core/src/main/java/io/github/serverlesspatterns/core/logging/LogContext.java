package io.github.serverlesspatterns.core.logging;

import io.github.serverlesspatterns.core.Invocation;
import org.slf4j.MDC;

import java.util.Objects;

/**
 * SLF4J MDC keys the patterns set around the work they wrap, so that any SLF4J backend can
 * correlate the lines logged inside (yours and the library's): {@value #REQUEST_ID},
 * {@value #PATTERN}, {@value #NAME} and, where a pattern has one, {@value #KEY} - a digest or an id
 * the library already logs (an idempotency key's SHA-256, a message id), never a raw key or a
 * payload. The previous values are put back when the scope closes, so nested patterns restore
 * each other's keys. Thread-bound, as MDC is: a scope is opened and closed on one thread.
 *
 * <pre>{@code
 * LogContext.Scope scope = LogContext.open(invocation, "idempotency", "payments", keyDigest);
 * try {
 *     return handler.handle(input, invocation);
 * } finally {
 *     scope.close();
 * }
 * }</pre>
 */
public final class LogContext {

    /** The invocation's request id: {@value}. */
    public static final String REQUEST_ID = "requestId";
    /** The pattern ({@code idempotency}, {@code sqs-batch}, ...): {@value}. */
    public static final String PATTERN = "pattern";
    /** The configured name: {@value}. */
    public static final String NAME = "patternName";
    /** The work's key digest or id (never a raw key): {@value}. */
    public static final String KEY = "patternKey";

    private LogContext() {
    }

    /**
     * Sets the keys until the returned scope is closed.
     *
     * @param invocation the invocation (its request id)
     * @param pattern    the pattern
     * @param name       the configured name
     * @param key        a digest or id, or {@code null}
     * @return the scope; close it on the same thread
     */
    public static Scope open(Invocation invocation, String pattern, String name, String key) {
        Objects.requireNonNull(invocation, "invocation");
        return new Scope(invocation.requestId(), pattern, name, key);
    }

    /** The keys' previous values, put back by {@link #close()}. */
    public static final class Scope implements AutoCloseable {
        private final String requestId;
        private final String pattern;
        private final String name;
        private final String key;

        private Scope(String requestId, String pattern, String name, String key) {
            this.requestId = swap(REQUEST_ID, requestId);
            this.pattern = swap(PATTERN, pattern);
            this.name = swap(NAME, name);
            this.key = swap(KEY, key);
        }

        private static String swap(String mdcKey, String value) {
            String before = MDC.get(mdcKey);
            put(mdcKey, value);
            return before;
        }

        private static void put(String mdcKey, String value) {
            if (value == null) {
                MDC.remove(mdcKey);
            } else {
                MDC.put(mdcKey, value);
            }
        }

        @Override
        public void close() {
            put(REQUEST_ID, requestId);
            put(PATTERN, pattern);
            put(NAME, name);
            put(KEY, key);
        }
    }
}
