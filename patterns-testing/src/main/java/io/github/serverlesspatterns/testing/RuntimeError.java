package io.github.serverlesspatterns.testing;

/**
 * A function error as the Lambda runtime reported it: its error document ({@code errorMessage},
 * {@code errorType}, {@code stackTrace}) exactly as the runtime posted it, which
 * {@link LambdaService} answers unchanged with {@code X-Amz-Function-Error: Unhandled}.
 */
public final class RuntimeError extends Exception {

    private static final long serialVersionUID = 1L;

    /** The runtime's error document, as JSON text. */
    private final String document;

    /**
     * @param document the runtime's error document, as JSON text
     */
    public RuntimeError(String document) {
        super(document);
        this.document = document;
    }

    /** @return the runtime's error document, as JSON text */
    public String document() {
        return document;
    }
}
