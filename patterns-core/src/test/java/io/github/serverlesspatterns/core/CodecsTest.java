package io.github.serverlesspatterns.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecsTest {

    @Test
    void utf8_roundTripsNonAsciiText() {
        String text = "Grüße, 世界";
        assertEquals(text, Codecs.utf8().decode(Codecs.utf8().encode(text)));
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), Codecs.utf8().encode(text));
    }

    @Test
    void utf8_malformedBytes_raiseACodecErrorInsteadOfReplacementCharacters() {
        CodecException e = assertThrows(CodecException.class, () -> Codecs.utf8().decode(new byte[] {(byte) 0xC3, 0x28}));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
        assertTrue(e instanceof PatternsException);
    }

    @Test
    void jsonString_encodesAJsonStringValue_andRoundTripsQuotesEscapesAndControls() {
        String text = "say \"hi\"\\ \n\t\u0001 Grüße /";
        byte[] json = Codecs.jsonString().encode(text);
        assertEquals("\"say \\\"hi\\\"\\\\ \\n\\t\\u0001 Grüße /\"", new String(json, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(text, Codecs.jsonString().decode(json));
        assertEquals("é/", Codecs.jsonString().decode("\"\\u00e9\\/\"".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void jsonString_refusesWhatIsNotOneJsonString() {
        for (String bad : new String[] {"c-1", "\"open", "\"a\"b\"", "\"\\x\"", "\"\\u12\"", "{}", "\"\\\""}) {
            CodecException e = assertThrows(CodecException.class,
                    () -> Codecs.jsonString().decode(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().contains("not a JSON string"), e.getMessage());
        }
    }

    @Test
    void bytes_copiesDefensively() {
        byte[] in = {1, 2, 3};
        byte[] out = Codecs.bytes().encode(in);
        assertArrayEquals(in, out);
        assertNotSame(in, out);
    }

    @Test
    void codecs_rejectNullValues() {
        assertThrows(NullPointerException.class, () -> Codecs.utf8().encode(null));
        assertThrows(NullPointerException.class, () -> Codecs.bytes().decode(null));
    }

    @Test
    void none_encodesJsonNull_andDecodesAnythingToNull() {
        assertEquals("null", new String(Codecs.none().encode(null), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(null, Codecs.none().decode(new byte[0]));
        assertEquals(null, Codecs.none().decode("{\"ignored\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void correlated_unwrap_givesTheHandlerThePayload_underTheSendersCorrelationId() throws Exception {
        Invocation sender = Invocation.builder().requestId("sender-1").build();
        Invocation receiver = Invocation.builder().requestId("receiver-1").build();
        Handler<String, String> handler = (payload, inv) -> payload + "/" + inv.requestId() + "/" + inv.correlationId().orElse("none");
        assertEquals("p/receiver-1/sender-1", Correlated.unwrap(handler).handle(Correlated.of("p", sender), receiver));
        assertEquals("p/receiver-1/none", Correlated.unwrap(handler).handle(new Correlated<>(null, "p"), receiver));
        IllegalArgumentException empty = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Correlated.unwrap(handler).handle(null, receiver));
        org.junit.jupiter.api.Assertions.assertTrue(empty.getMessage().contains("correlationId"), empty.getMessage());
    }
}
