package io.github.serverlesspatterns.circuitbreaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The breaker's view of the shared state keeps the newest state, whatever order round trips finish in. */
class SharedViewTest {

    private final CircuitStateStore store = new InMemoryCircuitStateStore();
    private final SharedView view = new SharedView(CircuitBreakerConfig.builder().build());

    /** @return the state {@code n} versions after the first write, of one history */
    private static List<CircuitState> history(int n) {
        List<CircuitState> states = new ArrayList<>();
        CircuitState s = CircuitState.initial().nextVersion();
        for (int i = 0; i < n; i++) {
            states.add(s);
            s = s.nextVersion();
        }
        return states;
    }

    @Test
    void anOlderVersionSeenLater_neverReplacesANewerOne() {
        List<CircuitState> h = history(3);
        SharedView.View newer = new SharedView.View(h.get(2), 10, store);
        view.see(newer);
        view.see(new SharedView.View(h.get(0), 20, store));
        assertSame(newer, view.get());
        SharedView.View sameVersionLater = new SharedView.View(h.get(2), 30, store);
        view.see(sameVersionLater);
        assertSame(sameVersionLater, view.get(), "the same version read later is trusted longer");
    }

    @Test
    void aNewHistoryOfTheStore_replacesTheOldOneByTime_whateverItsVersion() {
        CircuitState oldHistory = history(50).get(49);
        CircuitState restarted = CircuitState.initial().nextVersion(); // the store lost the state: version 1 of a new epoch
        view.see(new SharedView.View(oldHistory, 10, store));
        SharedView.View fresh = new SharedView.View(restarted, 11, store);
        view.see(fresh);
        assertSame(fresh, view.get(), "an instance must not go on ignoring a store that lost its state");
    }

    @Test
    void anotherStore_alwaysReplacesTheView_andDropForgetsIt() {
        view.see(new SharedView.View(history(5).get(4), 10, store));
        SharedView.View local = new SharedView.View(CircuitState.initial(), 5, new InMemoryCircuitStateStore());
        view.see(local);
        assertSame(local, view.get());
        view.drop();
        assertNull(view.get());
        assertEquals(CircuitState.initial().version(), view.stateOrInitial().version());
    }

    @Test
    void manyThreadsSeeingVersionsInAnyOrder_leaveTheNewest() throws Exception {
        List<CircuitState> h = history(2_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                SharedView shared = new SharedView(CircuitBreakerConfig.builder().build());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int first = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = h.size() - 1 - first; i >= 0; i -= 4) { // each thread newest first: the worst order
                            shared.see(new SharedView.View(h.get(i), 1, store));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(1, TimeUnit.MINUTES);
                }
                assertEquals(h.get(h.size() - 1).version(), shared.get().state.version(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
