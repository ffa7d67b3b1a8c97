package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Primeable;
import io.github.serverlesspatterns.core.internal.Priming;
import java.time.Instant;
import java.util.Optional;

/**
 * Where idempotency records live. Implementations: {@link InMemoryIdempotencyStore} (one JVM),
 * {@code dynamodb.DynamoDbIdempotencyStore} and {@code redis.RedisIdempotencyStore} (shared by
 * every instance of a function). All pass the same contract test ({@code IdempotencyStoreContract}
 * in this module's test-jar), which a custom store should pass too.
 *
 * <p>Each method is one round trip to the backend where the backend allows it: the decorator's
 * first call costs {@code claim} + {@code complete}, a repeat costs one {@code claim}.
 * Implementations must be thread-safe and atomic per key, and every write after the claim must
 * be conditional on the claim token (compare-and-set), as the contract test checks. A store throws any runtime
 * exception when its backend fails; the decorator turns it into an
 * {@link IdempotencyStoreException} naming the store and key.
 */
public interface IdempotencyStore extends Primeable {

    /**
     * Atomically writes {@code inProgress} unless a live record (not
     * {@linkplain IdempotencyRecord#isExpired expired} at {@code now}) exists for its key.
     *
     * @param inProgress the IN_PROGRESS record to write
     * @param now        the current time, by the decorator's clock
     * @return claimed, or the live record that exists
     */
    ClaimResult claim(IdempotencyRecord inProgress, Instant now);

    /**
     * Replaces a claim's record with its completed form ({@link IdempotencyRecord.Status#COMPLETED}
     * or {@link IdempotencyRecord.Status#UNREPLAYABLE}), atomically and only while the stored record
     * is still that claim: IN_PROGRESS with the same {@linkplain IdempotencyRecord#claimToken() claim
     * token}. A call whose claim lapsed and was taken over, or was released, writes nothing.
     *
     * @param completed the completed record (it carries its claim's token)
     * @param now       the current time, by the decorator's clock
     * @return {@code true} if written; {@code false} if the stored record is no longer this claim
     * @throws IdempotencyResultTooLargeException if the backend cannot keep a result of this size
     *                                            (nothing is written then)
     */
    boolean complete(IdempotencyRecord completed, Instant now);

    /**
     * Deletes a claim's record, atomically and only while the stored record is still that claim
     * (IN_PROGRESS with the same claim token), so that a retry can run: a late release never
     * erases another call's claim or a completed record.
     *
     * @param claim the IN_PROGRESS record this call wrote
     * @return {@code true} if deleted; {@code false} if the stored record is no longer this claim
     */
    boolean release(IdempotencyRecord claim);

    /**
     * Reads a record, expired or not, with strong consistency.
     *
     * @param key the stored key
     * @return the record, or empty
     */
    Optional<IdempotencyRecord> get(String key);

    /** @return a short description for error messages, e.g. {@code DynamoDB table orders-idempotency} */
    String describe();

    /** The key {@link #prime()} reads; no record is ever stored under it. */
    String PRIMING_KEY = Priming.KEY;

    /**
     * Warms the store for a SnapStart snapshot: one {@link #get(String)} of {@link #PRIMING_KEY},
     * which creates the client's connection and loads the read path's classes, and writes nothing.
     * Needs only the read permission the store already uses.
     *
     * @throws IdempotencyStoreException when the store cannot be reached
     */
    @Override
    default void prime() {
        try {
            get(PRIMING_KEY);
        } catch (IdempotencyStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IdempotencyStoreException(describe() + ": priming failed: " + e.getMessage(), e);
        }
    }
}
