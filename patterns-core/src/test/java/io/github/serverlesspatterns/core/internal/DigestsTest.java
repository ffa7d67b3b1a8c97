package io.github.serverlesspatterns.core.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DigestsTest {

    @Test
    void theDigests_matchTheStandardsTestVectors_inLowerCaseHex() {
        // FIPS 180 examples for "abc"
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digests.sha256Hex("abc"));
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", Digests.sha1Hex("abc".getBytes(StandardCharsets.UTF_8)));
    }
}
