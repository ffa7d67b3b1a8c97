package io.github.serverlesspatterns.idempotency;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link IdempotencyStore} passes. Extend it and return your store from
 * {@link #store()}; it ships in this module's test-jar so that custom stores can run it too.
 * Keys are unique per test, so one store (one table, one Redis) can serve every test.
 */
public abstract class IdempotencyStoreContract {

    /** A fixed "now" in the future, so that real TTL machinery never removes test records early. */
    protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    /** @return the store under test */
    protected abstract IdempotencyStore store();

    private static String newKey() {
        return "contract#" + UUID.randomUUID();
    }

    private static IdempotencyRecord inProgress(String key, String hash) {
        return IdempotencyRecord.inProgress(key, T0.plusSeconds(30), T0.plus(HOUR), hash);
    }

    @Test
    void claim_onAbsentKey_claimsIt() {
        String key = newKey();
        assertTrue(store().claim(inProgress(key, null), T0).isClaimed());
        IdempotencyRecord stored = store().get(key).orElseThrow();
        assertEquals(IdempotencyRecord.Status.IN_PROGRESS, stored.status());
        assertEquals(T0.plusSeconds(30), stored.inProgressUntil());
    }

    @Test
    void claim_whileInProgress_returnsTheLiveRecordUnchanged() {
        String key = newKey();
        store().claim(inProgress(key, "hash-1"), T0);
        ClaimResult second = store().claim(inProgress(key, "hash-2"), T0.plusSeconds(1));
        assertFalse(second.isClaimed());
        IdempotencyRecord existing = second.existingRecord().orElseThrow();
        assertEquals(IdempotencyRecord.Status.IN_PROGRESS, existing.status());
        assertEquals("hash-1", existing.payloadHash().orElseThrow());
        assertEquals(T0.plusSeconds(30), existing.inProgressUntil());
    }

    @Test
    void claim_afterComplete_returnsTheCompletedRecordWithItsResult() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, "h");
        store().claim(claim, T0);
        byte[] result = new byte[256];
        for (int i = 0; i < result.length; i++) {
            result[i] = (byte) i;
        }
        store().complete(claim.complete(result, T0.plus(HOUR)), T0.plusSeconds(2));

        ClaimResult again = store().claim(inProgress(key, "h"), T0.plusSeconds(3));
        IdempotencyRecord existing = again.existingRecord().orElseThrow();
        assertEquals(IdempotencyRecord.Status.COMPLETED, existing.status());
        assertArrayEquals(result, existing.result().orElseThrow());
        assertEquals("h", existing.payloadHash().orElseThrow());
        assertEquals(T0.plus(HOUR), existing.expiresAt());
    }

    @Test
    void completedRecord_withNullResult_roundTripsAsNoResult() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, null);
        store().claim(claim, T0);
        store().complete(claim.complete(null, T0.plus(HOUR)), T0);
        IdempotencyRecord stored = store().get(key).orElseThrow();
        assertEquals(IdempotencyRecord.Status.COMPLETED, stored.status());
        assertTrue(stored.result().isEmpty());
    }

    @Test
    void claim_afterTheInProgressClaimLapsed_takesTheKeyOver() {
        String key = newKey();
        store().claim(inProgress(key, null), T0);
        ClaimResult takeover = store().claim(
                IdempotencyRecord.inProgress(key, T0.plusSeconds(90), T0.plus(HOUR), null), T0.plusSeconds(30));
        assertTrue(takeover.isClaimed(), "a claim whose invocation deadline passed can be taken over");
        assertEquals(T0.plusSeconds(90), store().get(key).orElseThrow().inProgressUntil());
    }

    @Test
    void claim_afterTheCompletedRecordExpired_claimsAgain() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, null);
        store().claim(claim, T0);
        store().complete(claim.complete(new byte[] {1}, T0.plusSeconds(60)), T0);
        assertFalse(store().claim(inProgress(key, null), T0.plusSeconds(59)).isClaimed());
        Instant later = T0.plusSeconds(61);
        assertTrue(store().claim(IdempotencyRecord.inProgress(key, later.plusSeconds(30), later.plus(HOUR), null), later)
                .isClaimed());
    }

    @Test
    void release_letsTheKeyBeClaimedAgain() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, null);
        store().claim(claim, T0);
        assertTrue(store().release(claim));
        assertTrue(store().get(key).isEmpty());
        assertTrue(store().claim(inProgress(key, null), T0).isClaimed());
    }

    @Test
    void claimToken_isStoredWithTheRecord_andKeptByCompletion() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, null);
        store().claim(claim, T0);
        assertEquals(claim.claimToken(), store().get(key).orElseThrow().claimToken());
        assertTrue(store().complete(claim.complete(new byte[] {7}, T0.plus(HOUR)), T0));
        assertTrue(store().get(key).orElseThrow().sameClaim(claim));
    }

    /** A lapsed claim's owner (A) finishing after another call (B) took the key over. */
    private IdempotencyRecord[] takenOver(String key) {
        IdempotencyRecord a = inProgress(key, null);
        assertTrue(store().claim(a, T0).isClaimed());
        Instant afterA = T0.plusSeconds(31); // A's claim lapsed at T0 + 30 s
        IdempotencyRecord b = IdempotencyRecord.inProgress(key, afterA.plusSeconds(30), afterA.plus(HOUR), null);
        assertTrue(store().claim(b, afterA).isClaimed(), "B takes the lapsed claim over");
        return new IdempotencyRecord[] {a, b};
    }

    @Test
    void aLapsedClaimsRelease_neverErasesTheNewOwnersClaim() {
        String key = newKey();
        IdempotencyRecord[] ab = takenOver(key);
        assertFalse(store().release(ab[0]), "A's late release deletes nothing");
        IdempotencyRecord stored = store().get(key).orElseThrow();
        assertTrue(stored.sameClaim(ab[1]), "B's claim is still there");
        assertFalse(store().claim(inProgress(key, null), T0.plusSeconds(32)).isClaimed(), "so C cannot run while B runs");
    }

    @Test
    void aLapsedClaimsCompletion_neverOverwritesTheNewOwnersRecord() {
        String key = newKey();
        IdempotencyRecord[] ab = takenOver(key);
        assertFalse(store().complete(ab[0].complete(new byte[] {1}, T0.plus(HOUR)), T0.plusSeconds(32)));
        IdempotencyRecord stored = store().get(key).orElseThrow();
        assertEquals(IdempotencyRecord.Status.IN_PROGRESS, stored.status());
        assertTrue(stored.sameClaim(ab[1]));
        assertTrue(store().complete(ab[1].complete(new byte[] {2}, T0.plus(HOUR)), T0.plusSeconds(33)), "B completes");
        assertArrayEquals(new byte[] {2}, store().get(key).orElseThrow().result().orElseThrow());
    }

    @Test
    void aLateRelease_neverErasesACompletedRecord() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, null);
        store().claim(claim, T0);
        assertTrue(store().complete(claim.complete(new byte[] {3}, T0.plus(HOUR)), T0));
        assertFalse(store().release(claim), "a release that arrives after the completion (a slow store) deletes nothing");
        assertEquals(IdempotencyRecord.Status.COMPLETED, store().get(key).orElseThrow().status());
    }

    @Test
    void completion_afterARelease_writesNothing() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, null);
        store().claim(claim, T0);
        assertTrue(store().release(claim));
        assertFalse(store().complete(claim.complete(new byte[] {4}, T0.plus(HOUR)), T0));
        assertTrue(store().get(key).isEmpty());
    }

    @Test
    void anUnreplayableRecord_isLive_andKeepsTheKeyProtected() {
        String key = newKey();
        IdempotencyRecord claim = inProgress(key, "h");
        store().claim(claim, T0);
        assertTrue(store().complete(claim.unreplayable(T0.plus(HOUR)), T0));
        ClaimResult again = store().claim(inProgress(key, "h"), T0.plusSeconds(60)); // long after the in-progress deadline
        assertFalse(again.isClaimed());
        assertEquals(IdempotencyRecord.Status.UNREPLAYABLE, again.existingRecord().orElseThrow().status());
        assertTrue(again.existingRecord().orElseThrow().result().isEmpty());
    }

    @Test
    void get_onAnAbsentKey_isEmpty() {
        assertTrue(store().get(newKey()).isEmpty());
    }

    @Test
    void concurrentClaims_onOneKey_exactlyOneWins() throws Exception {
        String key = newKey();
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store().claim(inProgress(key, null), T0).isClaimed();
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void prime_writesNothing_andTheStoreKeepsWorking() {
        store().prime();
        assertTrue(store().get(IdempotencyStore.PRIMING_KEY).isEmpty(), "priming stored a record");
        String key = newKey();
        assertTrue(store().claim(inProgress(key, null), T0).isClaimed(), "the store works after priming");
    }
}
