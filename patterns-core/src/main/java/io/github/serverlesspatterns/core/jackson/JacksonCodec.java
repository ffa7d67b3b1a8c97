package io.github.serverlesspatterns.core.jackson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;

import java.io.IOException;
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

    private static String reason(IOException e) {
        return e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.toString();
    }

    @Override
    public String toString() {
        return "JacksonCodec{" + type + '}';
    }
}
