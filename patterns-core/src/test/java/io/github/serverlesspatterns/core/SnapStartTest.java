package io.github.serverlesspatterns.core;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore hooks, driven directly (no CRaC JVM here): what two environments resumed from one snapshot do. */
class SnapStartTest {

    @Test
    void twoEnvironmentsWithTheSameThreadLocalDraws_divergeOnceEachHasReseeded() {
        long sameDraw = 0x5DEECE66DL; // a snapshot gives every restored environment the same ThreadLocalRandom state
        Randomness.reseed();
        long first = Randomness.salt();
        Randomness.reseed();
        long second = Randomness.salt();
        assertNotEquals(first, second, "each restore takes a salt of its own");
        assertNotEquals(Randomness.mix(sameDraw, first), Randomness.mix(sameDraw, second));
        Set<Long> draws = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            double d = Randomness.nextDouble();
            assertTrue(d >= 0 && d < 1);
            draws.add(Randomness.nextLong());
        }
        assertEquals(1000, draws.size());
    }

    @Test
    void restoreAll_renewsEveryPart_andReportsEachFailure() {
        List<String> restored = new CopyOnWriteArrayList<>();
        long before = Randomness.salt();
        Primeable ok = new Primeable() {
            @Override
            public void prime() {
            }

            @Override
            public void afterRestore() {
                restored.add("ok");
            }
        };
        Primeable broken = new Primeable() {
            @Override
            public void prime() {
            }

            @Override
            public void afterRestore() {
                throw new IllegalStateException("cannot reconnect");
            }
        };
        PatternsException e = assertThrows(PatternsException.class, () -> Primeable.restoreAll(broken, ok));
        assertEquals(List.of("ok"), restored, "a failing part does not stop the others");
        assertTrue(e.getMessage().contains("restoring failed for 1 of 2 parts: ") && e.getMessage().contains("cannot reconnect"), e.getMessage());
        assertNotEquals(before, Randomness.salt(), "restoreAll reseeds the library's randomness");
    }

    @Test
    void register_wiresPrimeAndRestoreToTheCracHooks() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Primeable part = new Primeable() {
            @Override
            public void prime() {
                calls.add("prime");
            }

            @Override
            public void afterRestore() {
                calls.add("restore");
            }
        };
        org.crac.Resource resource = SnapStart.register(part);
        resource.beforeCheckpoint(null); // what SnapStart calls before the snapshot...
        resource.afterRestore(null);     // ...and in every environment resumed from it
        assertEquals(List.of("prime", "restore"), calls);
        SnapStart.clear();
    }
}
