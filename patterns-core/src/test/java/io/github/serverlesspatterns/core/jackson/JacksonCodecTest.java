package io.github.serverlesspatterns.core.jackson;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.CodecException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JacksonCodecTest {

    public record Order(String id, int quantity) {
    }

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void record_roundTrips() {
        JacksonCodec<Order> codec = JacksonCodec.of(mapper, Order.class);
        assertEquals(new Order("o-1", 3), codec.decode(codec.encode(new Order("o-1", 3))));
    }

    @Test
    void genericType_roundTrips() {
        JacksonCodec<List<Map<String, Integer>>> codec = JacksonCodec.of(mapper, new TypeReference<>() {
        });
        List<Map<String, Integer>> value = List.of(Map.of("a", 1));
        assertEquals(value, codec.decode(codec.encode(value)));
    }

    @Test
    void malformedJson_raisesACodecErrorNamingTheTargetType() {
        JacksonCodec<Order> codec = JacksonCodec.of(mapper, Order.class);
        CodecException e = assertThrows(CodecException.class,
                () -> codec.decode("{\"id\": ".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("Order"), e.getMessage());
    }

    public record Payment(String email, int cardLast4, Map<String, Integer> lines) {
    }

    @Test
    void decodeErrors_nameTheFieldAndTypes_neverTheValues() {
        JacksonCodec<Payment> codec = JacksonCodec.of(mapper, Payment.class);
        String[] bodies = {
            "{\"email\":\"ann@example.com\",\"cardLast4\":\"4111-1111-1111-1111\"}",
            "{\"email\":\"ann@example.com\",\"cardLast4\":1,\"lines\":{\"DE89370400440532013000\":\"x\"}}",
            "{\"email\":\"ann@example.com\" \"cardLast4\":4111111111111111}",
            "[\"ann@example.com\"]",
        };
        for (String body : bodies) {
            CodecException e = assertThrows(CodecException.class, () -> codec.decode(body.getBytes(StandardCharsets.UTF_8)));
            for (String secret : new String[] {"ann@example.com", "4111", "DE8937", "example"}) {
                assertTrue(!e.getMessage().contains(secret), "the message echoes a value (" + secret + "): " + e.getMessage());
            }
            assertTrue(e.getMessage().contains("Payment"), e.getMessage());
        }
        CodecException typed = assertThrows(CodecException.class, () -> codec.decode(bodies[0].getBytes(StandardCharsets.UTF_8)));
        assertTrue(typed.getMessage().contains("at field 'cardLast4' (expected int)"), typed.getMessage());
    }
}
