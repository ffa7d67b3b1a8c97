package io.github.serverlesspatterns.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrimeableTest {

    @Test
    void primeAll_primesEveryPartEvenAfterAFailure_andReportsEachFailure() {
        List<String> primed = new ArrayList<>();
        Primeable store = () -> primed.add("store");
        Primeable down = () -> {
            primed.add("down");
            throw new IllegalStateException("table orders unreachable");
        };
        Primeable cache = () -> primed.add("cache");

        PatternsException e = assertThrows(PatternsException.class, () -> Primeable.primeAll(store, down, cache));

        assertEquals(List.of("store", "down", "cache"), primed);
        assertTrue(e.getMessage().contains("1 of 3") && e.getMessage().contains("table orders unreachable"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
    }

    @Test
    void primeAll_withNothingFailing_returnsQuietly_andRejectsANullPart() {
        Primeable.primeAll(() -> { }, () -> { });
        assertThrows(NullPointerException.class, () -> Primeable.primeAll((Primeable) null));
    }
}
