package io.github.serverlesspatterns.core.internal;

/**
 * The one key the stores read when they warm up for a SnapStart snapshot: never written, so the
 * read touches no user's record. <strong>Not API.</strong>
 */
public final class Priming {

    /** The key (or name) primed; its {@code #} keeps it out of every module's name rule. */
    public static final String KEY = "#serverless-patterns-priming";

    private Priming() {
    }
}
