package io.github.serverlesspatterns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Invocation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code X-Amz-Client-Context} header of an Invoke request as Lambda checks it: base64 of a
 * JSON object, at most {@value #MAX_BYTES} bytes of base64 (about 2,687 bytes of JSON); it reaches
 * the function only on a synchronous invoke.
 */
final class ClientContexts {

    /** Lambda's limit on the client context: 3,583 bytes of base64-encoded data (the Invoke API reference). */
    static final int MAX_BYTES = 3583;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientContexts() {
    }

    /**
     * @param header the header, or null
     * @return {@code custom.correlationId}, or null when absent
     * @throws IllegalArgumentException naming the problem, for a header Lambda refuses
     */
    static String correlationId(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        if (header.length() > MAX_BYTES) {
            throw new IllegalArgumentException("Client context is " + header.length() + " bytes of base64; it must be at most " + MAX_BYTES
                    + " bytes.");
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Client context must be a valid Base64-encoded JSON object.");
        }
        JsonNode context;
        try {
            context = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("Client context must be a valid Base64-encoded JSON object.");
        }
        if (context == null || !context.isObject()) {
            throw new IllegalArgumentException("Client context must be a valid Base64-encoded JSON object.");
        }
        JsonNode id = context.path("custom").path(Invocation.CORRELATION_ID);
        return id.isTextual() && !id.asText().isEmpty() ? id.asText() : null;
    }
}
