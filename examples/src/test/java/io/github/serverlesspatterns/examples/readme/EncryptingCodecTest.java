package io.github.serverlesspatterns.examples.readme;

import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Codecs;
import org.junit.jupiter.api.Test;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncryptingCodecTest {

    private static SecretKey key() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    @Test
    void storesNoPlaintext_roundTrips_andAFreshNonceMakesEqualValuesDiffer() throws Exception {
        EncryptingCodec<String> codec = EncryptingCodec.wrap(Codecs.utf8(), key(), "table:payments");
        byte[] one = codec.encode("card 4111111111111111");
        byte[] two = codec.encode("card 4111111111111111");
        assertFalse(new String(one, StandardCharsets.ISO_8859_1).contains("4111"), "no plaintext in what is stored");
        assertFalse(java.util.Arrays.equals(one, two), "a fresh nonce per value");
        assertEquals("card 4111111111111111", codec.decode(one));
    }

    @Test
    void anAlteredValue_anotherKey_orAnotherContext_isRefused() throws Exception {
        SecretKey key = key();
        byte[] stored = EncryptingCodec.wrap(Codecs.utf8(), key, "table:payments").encode("receipt");
        byte[] altered = stored.clone();
        altered[altered.length - 1] ^= 1;
        for (Runnable refused : new Runnable[] {
                () -> EncryptingCodec.wrap(Codecs.utf8(), key, "table:payments").decode(altered),
                () -> EncryptingCodec.wrap(Codecs.utf8(), key, "cache:reports").decode(stored),
                () -> { try { EncryptingCodec.wrap(Codecs.utf8(), key(), "table:payments").decode(stored); }
                        catch (CodecException e) { throw e; } catch (Exception e) { throw new AssertionError(e); } }}) {
            CodecException e = assertThrows(CodecException.class, refused::run);
            assertTrue(e.getMessage().contains("does not authenticate"), e.getMessage());
        }
        assertThrows(CodecException.class, () -> EncryptingCodec.wrap(Codecs.utf8(), key, "t").decode(new byte[5]));
        assertArrayEquals("receipt".getBytes(StandardCharsets.UTF_8),
                Codecs.utf8().encode(EncryptingCodec.wrap(Codecs.utf8(), key, "table:payments").decode(stored)));
    }
}
