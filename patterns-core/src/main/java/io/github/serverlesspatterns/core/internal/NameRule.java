package io.github.serverlesspatterns.core.internal;

import java.util.Objects;

/**
 * The rule for the names users give their idempotency scopes, circuits and caches: 1 to
 * {@code maxLength} ASCII letters, digits and the listed punctuation. The names become parts of
 * store keys, so the punctuation a module allows depends on its key layout. The message lists
 * exactly the characters the pattern allows: both are generated from the same list.
 * <strong>Not API.</strong>
 *
 * @param what          what is named, for the message ("circuit name")
 * @param punctuation   the characters allowed besides letters and digits, e.g. {@code "._-:"}
 * @param maxLength     the longest name
 */
public record NameRule(String what, String punctuation, int maxLength) {

    /**
     * @throws IllegalArgumentException if {@code punctuation} holds a letter, digit or space, or
     *                                  {@code maxLength} is below 1
     */
    public NameRule {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(punctuation, "punctuation");
        if (punctuation.chars().anyMatch(c -> Character.isLetterOrDigit(c) || Character.isWhitespace(c) || c > 126)) {
            throw new IllegalArgumentException("punctuation must be visible ASCII other than letters and digits: '" + punctuation + "'");
        }
        Checks.atLeast(maxLength, 1, "maxLength");
    }

    /**
     * @param name the name to check
     * @return {@code name}
     * @throws NullPointerException     if it is null ("{@code what} is required")
     * @throws IllegalArgumentException naming the rule and the name, if it breaks it
     */
    public String check(String name) {
        Objects.requireNonNull(name, () -> what + " is required");
        if (name.isEmpty() || name.length() > maxLength || !name.chars().allMatch(this::allowed)) {
            throw new IllegalArgumentException(description() + ", not '" + name + "'");
        }
        return name;
    }

    /** @return the rule in words, e.g. "circuit name must be 1 to 128 of A-Z a-z 0-9 . _ - :" */
    public String description() {
        StringBuilder b = new StringBuilder(what).append(" must be 1 to ").append(maxLength).append(" of A-Z a-z 0-9");
        punctuation.chars().forEach(c -> b.append(' ').append((char) c));
        return b.toString();
    }

    private boolean allowed(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || punctuation.indexOf(c) >= 0;
    }
}
