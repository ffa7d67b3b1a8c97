package io.github.serverlesspatterns.core;

/**
 * How the library's decorators treat a {@link Throwable} thrown through a handler. Every kind is a
 * failure like any other: unchecked exceptions, {@link Error}s ({@code AssertionError},
 * {@code ExceptionInInitializerError}, {@code StackOverflowError}) and checked exceptions that a
 * handler throws without declaring them (Kotlin, Scala, Lombok's {@code @SneakyThrows}) are caught,
 * counted and answered (a claim released, an outcome recorded, a message reported) and then
 * passed on unchanged.
 *
 * <p>The one distinction is {@link #isFatal(Throwable)}: after an {@link OutOfMemoryError},
 * {@link InternalError} or {@link UnknownError} the JVM can no longer be trusted, so batch
 * handlers start no further work in that invocation (see each handler's javadoc). A
 * {@link StackOverflowError} is not fatal: the stack has unwound when it is caught.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * @param failure a throwable caught from a handler
     * @return {@code true} for a {@link VirtualMachineError} other than {@link StackOverflowError}
     */
    public static boolean isFatal(Throwable failure) {
        return failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError);
    }

    /**
     * Throws {@code failure} unchanged, checked or not, without wrapping it: for decorators that
     * catch {@code Throwable} to answer it and must let the caller see exactly what the handler
     * threw. Use as {@code throw Failures.rethrow(e);} so the compiler sees the throw.
     *
     * @param failure what to throw
     * @return never returns
     */
    public static RuntimeException rethrow(Throwable failure) {
        throw Failures.<RuntimeException>unchecked(failure);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T unchecked(Throwable failure) throws T {
        throw (T) failure;
    }
}
