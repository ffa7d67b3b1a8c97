package io.github.serverlesspatterns.core;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The library's source of jitter and probabilistic choices (TTL jitter, XFetch, backoff jitter):
 * as cheap as {@link ThreadLocalRandom}, and not repeated across execution environments that
 * Lambda SnapStart resumes from one snapshot. {@code ThreadLocalRandom}'s seeds are part of the
 * snapshot, so every restored environment would draw the same numbers and the jitter meant to
 * spread expiries and probes apart would line them up; here each draw is mixed with a salt that
 * {@link #reseed()} (called by {@link Primeable#afterRestore()}) takes afresh from
 * {@link SecureRandom} after a restore. Not for secrets; thread-safe.
 */
public final class Randomness {

    private static volatile long salt = fresh();

    private Randomness() {
    }

    private static long fresh() {
        return new SecureRandom().nextLong(); // a new instance: its seed comes from the OS, after the restore
    }

    /** Takes a new salt; call after a SnapStart restore ({@link Primeable#restoreAll} does). */
    public static void reseed() {
        salt = fresh();
    }

    /** @return a pseudo-random long */
    public static long nextLong() {
        return mix(ThreadLocalRandom.current().nextLong(), salt);
    }

    /** @return the current salt (for tests) */
    static long salt() {
        return salt;
    }

    /** One draw: a thread's draw mixed with the salt, so environments with the same draws still differ. */
    static long mix(long draw, long salt) {
        long z = draw ^ salt;
        // SplitMix64's finaliser: every bit of the salt affects every bit of the result
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** @return a pseudo-random double in [0, 1) */
    public static double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
