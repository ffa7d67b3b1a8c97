package io.github.serverlesspatterns.core.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksTest {

    @Test
    void positive_refusesZeroNegativeAndNull_namingTheSettingAndTheValue() {
        Duration d = Duration.ofMillis(5);
        assertSame(d, Checks.positive(d, "timeout"));
        assertEquals("timeout must be positive: PT0S",
                assertThrows(IllegalArgumentException.class, () -> Checks.positive(Duration.ZERO, "timeout")).getMessage());
        assertEquals("timeout must be positive: PT-1S",
                assertThrows(IllegalArgumentException.class, () -> Checks.positive(Duration.ofSeconds(-1), "timeout")).getMessage());
        assertEquals("timeout is required", assertThrows(NullPointerException.class, () -> Checks.positive(null, "timeout")).getMessage());
    }

    @Test
    void notBlank_refusesNullEmptyAndWhiteSpace_namingTheSetting() {
        assertSame("jobs", Checks.notBlank("jobs", "table"));
        assertEquals("table must not be blank: ''", assertThrows(IllegalArgumentException.class, () -> Checks.notBlank("", "table")).getMessage());
        assertEquals("table must not be blank: ' \t'", assertThrows(IllegalArgumentException.class, () -> Checks.notBlank(" \t", "table")).getMessage());
        assertEquals("table is required", assertThrows(NullPointerException.class, () -> Checks.notBlank(null, "table")).getMessage());
    }

    @Test
    void atLeast_writesTheMinimumInWords() {
        assertEquals("ttl must be at least 1 second: PT0.5S", assertThrows(IllegalArgumentException.class,
                () -> Checks.atLeast(Duration.ofMillis(500), Duration.ofSeconds(1), "ttl")).getMessage());
        assertEquals("retention must be at least 1 minute: PT59S", assertThrows(IllegalArgumentException.class,
                () -> Checks.atLeast(Duration.ofSeconds(59), Duration.ofMinutes(1), "retention")).getMessage());
        assertEquals(Duration.ofSeconds(1), Checks.atLeast(Duration.ofSeconds(1), Duration.ofSeconds(1), "ttl"));
        assertEquals("maxBatches must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> Checks.atLeast(0, 1, "maxBatches")).getMessage());
    }

    @Test
    void between_includesBothEnds() {
        assertEquals(1, Checks.between(1, 1, 64, "parallelism"));
        assertEquals(64, Checks.between(64, 1, 64, "parallelism"));
        assertEquals("parallelism must be 1 to 64: 65",
                assertThrows(IllegalArgumentException.class, () -> Checks.between(65, 1, 64, "parallelism")).getMessage());
        assertEquals("parallelism must be 1 to 64: 0",
                assertThrows(IllegalArgumentException.class, () -> Checks.between(0, 1, 64, "parallelism")).getMessage());
    }

    @Test
    void describe_usesTheLargestWholeUnit() {
        assertEquals("2 hours", Checks.describe(Duration.ofHours(2)));
        assertEquals("90 minutes", Checks.describe(Duration.ofMinutes(90)));
        assertEquals("1 second", Checks.describe(Duration.ofSeconds(1)));
        assertEquals("250 ms", Checks.describe(Duration.ofMillis(250)));
        assertEquals("PT0.0000015S", Checks.describe(Duration.ofNanos(1500)));
    }

    @Test
    void nameRule_messageListsExactlyTheCharactersItsCheckAllows() {
        NameRule circuits = new NameRule("circuit name", "._-:", 8);
        assertEquals("a.b_c-d:", circuits.check("a.b_c-d:"));
        IllegalArgumentException spaced = assertThrows(IllegalArgumentException.class, () -> circuits.check("a b"));
        assertEquals("circuit name must be 1 to 8 of A-Z a-z 0-9 . _ - :, not 'a b'", spaced.getMessage());
        assertThrows(IllegalArgumentException.class, () -> circuits.check(""));
        assertThrows(IllegalArgumentException.class, () -> circuits.check("123456789"));
        assertThrows(IllegalArgumentException.class, () -> circuits.check("é"));
        assertEquals("circuit name is required", assertThrows(NullPointerException.class, () -> circuits.check(null)).getMessage());

        NameRule scopes = new NameRule("idempotency name", "._-", 64);
        String refused = assertThrows(IllegalArgumentException.class, () -> scopes.check("a:b")).getMessage();
        assertEquals("idempotency name must be 1 to 64 of A-Z a-z 0-9 . _ -, not 'a:b'", refused);
        // every character the message lists is accepted, and nothing else of visible ASCII
        for (char c = '!'; c <= '~'; c++) {
            boolean listed = Character.isLetterOrDigit(c) || scopes.description().contains(" " + c);
            String name = "a" + c;
            boolean accepted;
            try {
                scopes.check(name);
                accepted = true;
            } catch (IllegalArgumentException e) {
                accepted = false;
            }
            assertEquals(listed, accepted, "character '" + c + "'");
        }
    }

    @Test
    void nameRule_refusesLettersOrSpacesAsPunctuation() {
        assertThrows(IllegalArgumentException.class, () -> new NameRule("x", "a", 8));
        assertThrows(IllegalArgumentException.class, () -> new NameRule("x", " ", 8));
        assertThrows(IllegalArgumentException.class, () -> new NameRule("x", ".", 0));
    }

    @Test
    void downWindow_skipsTheBackendUntilItsRetryTime_andResetShutsIt() {
        DownWindow w = new DownWindow();
        assertTrue(w.isUp(0));
        w.markDown(1_000, Duration.ofSeconds(5));
        assertFalse(w.isUp(1_000));
        assertFalse(w.isUp(5_999));
        assertTrue(w.isUp(6_000));
        w.markDown(10_000, Duration.ofSeconds(5));
        w.reset();
        assertTrue(w.isUp(10_001));
    }
}
