package io.github.serverlesspatterns.core.jackson;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON {@link Codec} on Jackson. Jackson is an optional dependency of patterns-core: add
 * {@code com.fasterxml.jackson.core:jackson-databind} to use this class.
 *
 * <p>Thread-safe as long as the {@link ObjectMapper} is not reconfigured after the codec is made.
 *
 * @param <T> the value type
 */
public final class JacksonCodec<T> implements Codec<T> {

    private final ObjectMapper mapper;
    private final JavaType type;

    private JacksonCodec(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    /**
     * @param mapper the object mapper
     * @param type   the value class
     * @param <T>    the value type
     * @return the codec
     */
    public static <T> JacksonCodec<T> of(ObjectMapper mapper, Class<T> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JacksonCodec<>(mapper, mapper.constructType(type));
    }

    /**
     * For generic types, e.g. {@code new TypeReference<List<Order>>() {}}.
     *
     * @param mapper the object mapper
     * @param type   the value type reference
     * @param <T>    the value type
     * @return the codec
     */
    public static <T> JacksonCodec<T> of(ObjectMapper mapper, TypeReference<T> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JacksonCodec<>(mapper, mapper.constructType(type));
    }

    @Override
    public byte[] encode(T value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new CodecException("cannot encode " + type + " as JSON: " + reason(e), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new CodecException("cannot decode " + bytes.length + " bytes of JSON as " + type + ": "
                    + reason(e), e);
        }
    }

    /**
     * Why decoding or encoding failed, naming fields, types and positions but never a value: these
     * messages reach logs and dead-letter queue attributes, and a value may be an email, an IBAN
     * or a card number (Jackson's own messages quote the offending value).
     */
    static String reason(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (e instanceof JsonMappingException) {
            JsonMappingException m = (JsonMappingException) e;
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null && r.getFrom() instanceof Map) {
                    path.append("[*]"); // a map key is data, not a field name
                } else if (r.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
            Class<?> target = e instanceof MismatchedInputException
                    ? ((MismatchedInputException) e).getTargetType() : null;
            return kind + (path.length() == 0 ? "" : " at field '" + path + "'")
                    + (target == null ? "" : " (expected " + target.getSimpleName() + ")") + location(m);
        }
        if (e instanceof JsonProcessingException) {
            return kind + location((JsonProcessingException) e);
        }
        return kind;
    }

    private static String location(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    @Override
    public String toString() {
        return "JacksonCodec{" + type + '}';
    }
}
