package io.github.serverlesspatterns.idempotency;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Key functions built from several parts of an input, for keys such as "customer and order".
 *
 * <pre>{@code
 * IdempotencyConfig.builder("payments", IdempotencyKeys.of(Payment::customerId, Payment::paymentId), codec)
 * }</pre>
 *
 * <p>Building such a key by hand ({@code a + ":" + b}) has two traps these functions avoid:
 * <ul>
 *   <li>an input missing every part gets the key {@code "null:null"}, which all such inputs share,
 *       so the first one's result is replayed to every other. Here an input whose parts are all
 *       missing has <em>no key</em>, which the config's {@link IdempotencyConfig.MissingKeyPolicy}
 *       answers (rejected by default);</li>
 *   <li>{@code ("a:b", "c")} and {@code ("a", "b:c")} give the same text. Here each part is
 *       length-prefixed, so different parts never give the same key.</li>
 * </ul>
 * A part is missing when it is {@code null}, a blank {@link CharSequence} or an empty
 * {@link Optional}; any other value counts by its {@code toString()}.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /**
     * A key from parts, missing only when every part is missing; a missing part among present
     * ones is kept as "missing" (distinct from any text, {@code "null"} included).
     *
     * @param parts the parts of an input, in order
     * @param <I>   the input type
     * @return the key function
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, never stored or exposed
    public static <I> Function<I, String> of(Function<? super I, ?>... parts) {
        return compose(false, parts);
    }

    /**
     * A key from parts, missing as soon as any part is missing: for keys that mean nothing unless
     * whole (e.g. tenant and request id).
     *
     * @param parts the parts of an input, in order
     * @param <I>   the input type
     * @return the key function
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, never stored or exposed
    public static <I> Function<I, String> allOf(Function<? super I, ?>... parts) {
        return compose(true, parts);
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, never stored or exposed
    private static <I> Function<I, String> compose(boolean requireAll, Function<? super I, ?>... parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.length == 0) {
            throw new IllegalArgumentException("at least one key part is needed");
        }
        Function<? super I, ?>[] copy = parts.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "part " + i);
        }
        return input -> {
            StringBuilder key = new StringBuilder();
            int present = 0;
            for (Function<? super I, ?> part : copy) {
                String text = text(part.apply(input));
                if (text == null) {
                    if (requireAll) {
                        return null;
                    }
                    key.append("-;");
                } else {
                    present++;
                    key.append(text.length()).append(':').append(text).append(';');
                }
            }
            return present == 0 ? null : key.toString();
        };
    }

    /** @return the text of a part, or null when it is missing */
    static String text(Object part) {
        if (part instanceof Optional<?> optional) {
            return optional.isEmpty() ? null : text(optional.get());
        }
        if (part == null) {
            return null;
        }
        String text = part.toString();
        return text == null || text.isBlank() ? null : text;
    }
}
