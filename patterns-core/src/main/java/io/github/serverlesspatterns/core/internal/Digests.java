package io.github.serverlesspatterns.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The project's digests: SHA-256 for idempotency keys and payloads and key digests in log context;
 * SHA-1 where Redis compares with its own {@code redis.sha1hex} (the cache's compare-and-set). Not API.
 */
public final class Digests {

    private static final HexFormat HEX = HexFormat.of();

    private Digests() {
    }

    /**
     * @param text any text
     * @return the lower-case hex SHA-256 of its UTF-8 bytes
     */
    public static String sha256Hex(String text) {
        return hex("SHA-256", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param bytes any bytes
     * @return their lower-case hex SHA-1, as Redis's {@code redis.sha1hex} gives it
     */
    public static String sha1Hex(byte[] bytes) {
        return hex("SHA-1", bytes);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every Java platform", e);
        }
    }
}
