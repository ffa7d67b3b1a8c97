package io.github.serverlesspatterns.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Ready-made {@link Codec}s. All are stateless and thread-safe.
 */
public final class Codecs {

    private static final Codec<String> UTF8 = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            Objects.requireNonNull(value, "value");
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            try {
                // strict: malformed input is an error, not silently replaced by U+FFFD
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new CodecException("bytes are not valid UTF-8 (" + bytes.length + " bytes): " + e, e);
            }
        }

        @Override
        public String toString() {
            return "Codecs.utf8()";
        }
    };

    private static final Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return Objects.requireNonNull(value, "value").clone();
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return Objects.requireNonNull(bytes, "bytes").clone();
        }

        @Override
        public String toString() {
            return "Codecs.bytes()";
        }
    };

    private Codecs() {
    }

    /**
     * A strict UTF-8 string codec: decoding bytes that are not valid UTF-8 throws
     * {@link CodecException}. Does not accept {@code null} values. Not for Lambda Invoke
     * payloads unless the text is JSON already: see {@link #jsonString()}.
     *
     * @return the codec
     */
    public static Codec<String> utf8() {
        return UTF8;
    }

    /**
     * A string as one JSON string value ({@code "c-1"} with its quotes and escapes): the payload a
     * Lambda {@code RequestHandler<String, ...>} is invoked with and the response a
     * {@code RequestHandler<..., String>} gives. Lambda's Invoke API refuses payloads that are not
     * JSON, so use this codec, not {@link #utf8()}, for plain strings sent to a function.
     * Decoding anything but one JSON string throws {@link CodecException}. Does not accept
     * {@code null} values.
     *
     * @return the codec
     */
    public static Codec<String> jsonString() {
        return JsonStringCodec.INSTANCE;
    }

    /**
     * The identity codec for byte arrays (defensive copies both ways). Does not accept
     * {@code null} values.
     *
     * @return the codec
     */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    private static final byte[] JSON_NULL = {'n', 'u', 'l', 'l'};

    private static final Codec<Void> NONE = new Codec<>() {
        @Override
        public byte[] encode(Void value) {
            return JSON_NULL.clone();
        }

        @Override
        public Void decode(byte[] bytes) {
            return null;
        }

        @Override
        public String toString() {
            return "Codecs.none()";
        }
    };

    /**
     * The codec for "no value": a {@code Void} result or request. It encodes JSON {@code null}
     * (what a {@code RequestHandler<..., Void>} returns on Lambda, and a valid Invoke payload) and
     * decodes whatever comes back (an {@code Event} invoke's empty answer, a {@code null}) to
     * {@code null}, reading nothing.
     *
     * @return the codec
     */
    public static Codec<Void> none() {
        return NONE;
    }
}
