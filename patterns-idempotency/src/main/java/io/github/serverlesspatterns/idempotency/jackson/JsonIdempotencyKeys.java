package io.github.serverlesspatterns.idempotency.jackson;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.serverlesspatterns.idempotency.IdempotencyKeys;

import java.util.Objects;
import java.util.function.Function;

/**
 * Key functions from JSON Pointers into a {@link JsonNode} input (Jackson is an optional
 * dependency of this module). Same rules as {@link IdempotencyKeys}: an input where every
 * pointer is missing, JSON {@code null} or blank has no key.
 *
 * <pre>{@code
 * IdempotencyConfig.builder("orders", JsonIdempotencyKeys.pointers("/customer/id", "/order/id"), codec)
 * }</pre>
 */
public final class JsonIdempotencyKeys {

    private JsonIdempotencyKeys() {
    }

    /**
     * @param pointers JSON Pointers (RFC 6901), e.g. {@code /order/id}
     * @return a key function, missing only when every pointer is missing
     */
    public static Function<JsonNode, String> pointers(String... pointers) {
        return IdempotencyKeys.of(parts(pointers));
    }

    /**
     * @param pointers JSON Pointers (RFC 6901)
     * @return a key function, missing as soon as any pointer is missing
     */
    public static Function<JsonNode, String> allPointers(String... pointers) {
        return IdempotencyKeys.allOf(parts(pointers));
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: created raw, holds only these functions
    private static Function<JsonNode, ?>[] parts(String... pointers) {
        Objects.requireNonNull(pointers, "pointers");
        Function<JsonNode, ?>[] parts = new Function[pointers.length];
        for (int i = 0; i < pointers.length; i++) {
            String pointer = Objects.requireNonNull(pointers[i], "pointer " + i);
            if (!pointer.isEmpty() && !pointer.startsWith("/")) {
                throw new IllegalArgumentException("a JSON Pointer starts with '/': '" + pointer + "'");
            }
            parts[i] = node -> {
                JsonNode value = node == null ? null : node.at(pointer);
                return value == null || value.isMissingNode() || value.isNull() ? null
                        : value.isValueNode() ? value.asText() : value.toString();
            };
        }
        return parts;
    }
}
