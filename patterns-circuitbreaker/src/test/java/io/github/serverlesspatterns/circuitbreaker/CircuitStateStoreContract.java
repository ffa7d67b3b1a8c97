package io.github.serverlesspatterns.circuitbreaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link CircuitStateStore} passes; ships in this module's test-jar. Circuit
 * names are unique per test, so one store serves every test.
 */
public abstract class CircuitStateStoreContract {

    /** @return the store under test */
    protected abstract CircuitStateStore store();

    private static String newName() {
        return "contract-" + UUID.randomUUID();
    }

    private static CircuitState open(CircuitState from) {
        return from.with(CircuitState.State.OPEN, 0, "", 1_900_000_000_000L, 2, 0, 0, 0).nextVersion();
    }

    @Test
    void load_ofAnUnknownCircuit_isEmpty() {
        assertTrue(store().load(newName()).isEmpty());
    }

    @Test
    void compareAndSet_onAnUnknownCircuitAtVersionZero_storesTheState() {
        String name = newName();
        CircuitState first = open(CircuitState.initial());
        assertTrue(store().compareAndSet(name, 0, first).isEmpty());
        assertEquals(first, store().load(name).orElseThrow());
        assertEquals(1, store().load(name).orElseThrow().version());
    }

    @Test
    void compareAndSet_withTheCurrentVersion_replacesIt_andTheVersionKeepsGrowing() {
        String name = newName();
        CircuitState v1 = open(CircuitState.initial());
        store().compareAndSet(name, 0, v1);
        CircuitState v2 = v1.with(CircuitState.State.HALF_OPEN, 0, "", v1.openUntilMillis(), 2, 1, 0, 123).nextVersion();
        assertTrue(store().compareAndSet(name, 1, v2).isEmpty());
        CircuitState stored = store().load(name).orElseThrow();
        assertEquals(CircuitState.State.HALF_OPEN, stored.state());
        assertEquals(2, stored.version());
        assertEquals(1, stored.probesInFlight());
        assertEquals(123, stored.lastProbeMillis());
    }

    @Test
    void compareAndSet_withAStaleVersion_changesNothing_andReturnsTheCurrentState() {
        String name = newName();
        CircuitState v1 = open(CircuitState.initial());
        store().compareAndSet(name, 0, v1);
        CircuitState stale = CircuitState.initial().with(CircuitState.State.CLOSED, 3, "", 0, 0, 0, 0, 0).nextVersion();
        Optional<CircuitState> conflict = store().compareAndSet(name, 0, stale);
        assertEquals(v1, conflict.orElseThrow());
        assertEquals(v1, store().load(name).orElseThrow());
    }

    @Test
    void compareAndSet_expectingAVersionOfAnUnknownCircuit_returnsTheInitialState() {
        CircuitState next = CircuitState.initial().nextVersion().nextVersion();
        Optional<CircuitState> conflict = store().compareAndSet(newName(), 1, next);
        assertEquals(CircuitState.initial(), conflict.orElseThrow());
    }

    @Test
    void window_andAllCounters_roundTripThroughTheStore() {
        String name = newName();
        CircuitState rich = CircuitState.initial().with(CircuitState.State.CLOSED, 4, "0101100111", 0, 3, 0, 0, 0).nextVersion();
        store().compareAndSet(name, 0, rich);
        CircuitState stored = store().load(name).orElseThrow();
        assertEquals("0101100111", stored.window());
        assertEquals(4, stored.consecutiveFailures());
        assertEquals(3, stored.openCount());
        assertEquals(60f, stored.failureRate());
    }

    @Test
    void concurrentCompareAndSets_fromOneVersion_exactlyOneWins() throws Exception {
        String name = newName();
        store().compareAndSet(name, 0, open(CircuitState.initial()));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> wins = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                int slot = i;
                wins.add(pool.submit(() -> {
                    start.await();
                    CircuitState mine = CircuitState.initial().nextVersion()
                            .with(CircuitState.State.HALF_OPEN, 0, "", 0, 1, 1, 0, slot).nextVersion();
                    return store().compareAndSet(name, 1, mine).isEmpty();
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> w : wins) {
                winners += w.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners, "one instance wins the probe slot");
            assertEquals(2, store().load(name).orElseThrow().version());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void prime_writesNothing() {
        store().prime();
        org.junit.jupiter.api.Assertions.assertTrue(store().load(CircuitStateStore.PRIMING_NAME).isEmpty(), "priming stored a state");
    }
}
