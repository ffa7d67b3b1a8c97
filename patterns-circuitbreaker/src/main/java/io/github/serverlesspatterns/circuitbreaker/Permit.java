package io.github.serverlesspatterns.circuitbreaker;

/**
 * What {@link CircuitBreaker} decided for one call before running it: a plain permit, a probe's
 * permit (holding the store whose HALF_OPEN slot it took, since only that store can free the slot,
 * whatever happens to the breaker's view meanwhile), or a rejection. The two plain permits are
 * preallocated, so the CLOSED path allocates nothing.
 */
final class Permit {

    /** The call is a HALF_OPEN probe. */
    static final int PROBE = 1;
    /** Deciding already cost a store round trip (so recording the outcome need not read the store again). */
    static final int ROUND_TRIP = 2;

    private static final Permit PLAIN = new Permit(0, null, null);
    private static final Permit PLAIN_AFTER_ROUND_TRIP = new Permit(ROUND_TRIP, null, null);

    /** {@link #PROBE} and {@link #ROUND_TRIP} bits. */
    final int flags;
    /** For a probe, the store that granted its slot; else null. */
    final CircuitStateStore probeStore;
    /** For a rejection, the exception to throw or hand to the fallback; else null. */
    final CallNotPermittedException rejection;

    private Permit(int flags, CircuitStateStore probeStore, CallNotPermittedException rejection) {
        this.flags = flags;
        this.probeStore = probeStore;
        this.rejection = rejection;
    }

    /** @return a permit for a call that is not a probe (preallocated: no allocation) */
    static Permit plain(int flags) {
        return (flags & ROUND_TRIP) == 0 ? PLAIN : PLAIN_AFTER_ROUND_TRIP;
    }

    /** @return a probe's permit, tied to the store whose slot it took */
    static Permit probe(int flags, CircuitStateStore store) {
        return new Permit(flags | PROBE, store, null);
    }

    /** @return a rejection */
    static Permit rejected(CallNotPermittedException rejection) {
        return new Permit(0, null, rejection);
    }

    /** @return whether the call may run and is not a probe */
    boolean isPlain() {
        return probeStore == null && rejection == null;
    }
}
