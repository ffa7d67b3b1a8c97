package io.github.serverlesspatterns.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The validation checks of the library's configs, each writing its message from the rule it
 * checks, so a message cannot drift from its check. Every check names the setting ({@code what}),
 * the rule and the value it refused. <strong>Not API.</strong>
 */
public final class Checks {

    private Checks() {
    }

    /**
     * @param value the duration
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException     if it is null ("{@code what} is required")
     * @throws IllegalArgumentException if it is zero or negative
     */
    public static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, () -> what + " is required");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }

    /**
     * @param value the text (a table name, a queue URL, a function name)
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException     if it is null ("{@code what} is required")
     * @throws IllegalArgumentException if it is empty or only white space
     */
    public static String notBlank(String value, String what) {
        Objects.requireNonNull(value, () -> what + " is required");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
        }
        return value;
    }

    /**
     * @param value the duration
     * @param min   the smallest allowed
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException     if it is null
     * @throws IllegalArgumentException if it is shorter than {@code min}
     */
    public static Duration atLeast(Duration value, Duration min, String what) {
        Objects.requireNonNull(value, () -> what + " is required");
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + describe(min) + ": " + value);
        }
        return value;
    }

    /**
     * @param value the number
     * @param min   the smallest allowed
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException if it is below {@code min}
     */
    public static int atLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ": " + value);
        }
        return value;
    }

    /**
     * @param value the number
     * @param min   the smallest allowed
     * @param max   the largest allowed
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException if it is outside {@code min..max}
     */
    public static int between(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + " to " + max + ": " + value);
        }
        return value;
    }

    /**
     * @param d a duration
     * @return it in words for a message: "1 second", "3 minutes", "250 ms", else its ISO form
     */
    public static String describe(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (d.toNanos() % 1_000_000 != 0) {
            return d.toString();
        }
        if (ms % 3_600_000 == 0) {
            return plural(ms / 3_600_000, "hour");
        }
        if (ms % 60_000 == 0) {
            return plural(ms / 60_000, "minute");
        }
        if (ms % 1_000 == 0) {
            return plural(ms / 1_000, "second");
        }
        return ms + " ms";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
