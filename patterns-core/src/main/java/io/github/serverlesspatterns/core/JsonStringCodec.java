package io.github.serverlesspatterns.core;

import java.util.Objects;

/** A string as one JSON string value: what a {@code RequestHandler<String, String>} takes and gives on Lambda. */
final class JsonStringCodec implements Codec<String> {

    static final JsonStringCodec INSTANCE = new JsonStringCodec();

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStringCodec() {
    }

    @Override
    public byte[] encode(String value) {
        Objects.requireNonNull(value, "value");
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return Codecs.utf8().encode(out.append('"').toString());
    }

    @Override
    public String decode(byte[] bytes) {
        String text = Codecs.utf8().decode(bytes).strip();
        if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
            throw new CodecException("not a JSON string (expected a value in double quotes): " + preview(text), null);
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '"' || c < 0x20) {
                throw new CodecException("not a JSON string (unescaped " + (c == '"' ? "quote" : "control character")
                        + " at " + i + "): " + preview(text), null);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 >= text.length() - 1) {
                throw new CodecException("not a JSON string (dangling backslash): " + preview(text), null);
            }
            char e = text.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (i + 4 >= text.length() - 1) {
                        throw new CodecException("not a JSON string (short \\u escape): " + preview(text), null);
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException bad) {
                        throw new CodecException("not a JSON string (bad \\u escape): " + preview(text), bad);
                    }
                    i += 4;
                }
                default -> throw new CodecException("not a JSON string (unknown escape \\" + e + "): " + preview(text), null);
            }
        }
        return out.toString();
    }

    /** The size of the text, never its content: these messages reach logs and dead-letter queue attributes. */
    private static String preview(String text) {
        return text.length() + " characters";
    }

    @Override
    public String toString() {
        return "Codecs.jsonString()";
    }
}
