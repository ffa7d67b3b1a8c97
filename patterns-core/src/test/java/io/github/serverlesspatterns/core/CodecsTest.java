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
}
