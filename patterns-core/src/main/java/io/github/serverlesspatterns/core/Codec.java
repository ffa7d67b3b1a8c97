package io.github.serverlesspatterns.core;

/**
 * Turns values into bytes and back: how stores keep results, how invokers send payloads.
 * Ready codecs are in {@link Codecs}; a Jackson codec is in
 * {@code io.github.serverlesspatterns.core.jackson} (Jackson is an optional dependency).
 *
 * <p>Implementations must be thread-safe. {@code decode(encode(v))} must equal {@code v}.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

    /**
     * Encodes a value.
     *
     * @param value the value, may be {@code null} if the codec supports it
     * @return the bytes, never {@code null}
     * @throws CodecException if the value cannot be encoded
     */
    byte[] encode(T value);

    /**
     * Decodes bytes.
     *
     * @param bytes the bytes, never {@code null}
     * @return the value
     * @throws CodecException if the bytes are not a valid encoding (the message says why)
     */
    T decode(byte[] bytes);
}
