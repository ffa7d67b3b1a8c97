package io.github.serverlesspatterns.circuitbreaker;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/** The shared view keeps the newest state whatever order two round trips finish in. */
public final class SharedViewStress {

    private SharedViewStress() {
    }

    private static final CircuitStateStore STORE = new LosingStore();
    /** Versions 1 and 2 of one history (one epoch). */
    private static final CircuitState V1 = version(CircuitState.initial(), 1);
    private static final CircuitState V2 = version(V1, 1);
    /** Version 5 of a history the store lost, and version 1 of the one it started after. */
    private static final CircuitState LOST_V5 = version(CircuitState.initial(), 5);
    private static final CircuitState FRESH_V1 = version(CircuitState.initial(), 1);

    /** @return {@code from} moved on {@code n} versions (the first write over the initial state starts a history) */
    private static CircuitState version(CircuitState from, int n) {
        CircuitState s = from;
        for (int i = 0; i < n; i++) {
            s = s.counting(i + 1, "").nextVersion();
        }
        return s;
    }

    /** Two reads of one history: the higher version wins, even when it was seen earlier. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "the newer version is kept")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "an older state replaced a newer one")
    @State
    public static class NewerVersionWins {
        private final SharedView shared = new SharedView(CircuitBreakerConfig.ofDefaults());
        private final SharedView.View v1 = new SharedView.View(V1, 20, STORE);
        private final SharedView.View v2 = new SharedView.View(V2, 10, STORE);

        @Actor
        public void olderArrives() {
            shared.see(v1);
        }

        @Actor
        public void newerArrives() {
            shared.see(v2);
        }

        @Arbiter
        public void kept(J_Result r) {
            r.r1 = shared.get().state.version();
        }
    }

    /**
     * The store lost the state and started a new history (restart, eviction, failover): versions of
     * two histories do not compare, so the later read wins, though its version is lower.
     */
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "the later read, of the new history, is kept")
    @Outcome(id = "5", expect = FORBIDDEN, desc = "the lost history's higher version hid the store's new state")
    @State
    public static class LaterReadWinsAcrossHistories {
        private final SharedView shared = new SharedView(CircuitBreakerConfig.ofDefaults());
        private final SharedView.View lost = new SharedView.View(LOST_V5, 10, STORE);
        private final SharedView.View fresh = new SharedView.View(FRESH_V1, 20, STORE);

        @Actor
        public void readBeforeTheLoss() {
            shared.see(lost);
        }

        @Actor
        public void readAfterTheLoss() {
            shared.see(fresh);
        }

        @Arbiter
        public void kept(J_Result r) {
            r.r1 = shared.get().state.version();
        }
    }
}
