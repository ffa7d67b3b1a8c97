package io.github.serverlesspatterns.idempotency;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An {@link IdempotencyStore} in this JVM's memory: for tests, local runs, and functions whose
 * duplicates always reach the same instance (rarely true on Lambda: prefer DynamoDB or Redis).
 * Expired records are replaced on claim but otherwise kept until released or {@link #clear()}. Thread-safe; claims are atomic per key.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private final ConcurrentMap<String, IdempotencyRecord> records = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemoryIdempotencyStore() {
    }

    @Override
    public ClaimResult claim(IdempotencyRecord inProgress, Instant now) {
        Objects.requireNonNull(inProgress, "inProgress");
        Objects.requireNonNull(now, "now");
        IdempotencyRecord[] live = new IdempotencyRecord[1];
        records.compute(inProgress.key(), (key, current) -> {
            if (current != null && !current.isExpired(now)) {
                live[0] = current;
                return current;
            }
            return inProgress;
        });
        return live[0] == null ? ClaimResult.claimed() : ClaimResult.existing(live[0]);
    }

    @Override
    public boolean complete(IdempotencyRecord completed, Instant now) {
        Objects.requireNonNull(completed, "completed");
        boolean[] written = new boolean[1];
        records.computeIfPresent(completed.key(), (key, current) -> {
            if (isClaim(current, completed)) {
                written[0] = true;
                return completed;
            }
            return current;
        });
        return written[0];
    }

    @Override
    public boolean release(IdempotencyRecord claim) {
        Objects.requireNonNull(claim, "claim");
        boolean[] deleted = new boolean[1];
        records.computeIfPresent(claim.key(), (key, current) -> {
            if (isClaim(current, claim)) {
                deleted[0] = true;
                return null;
            }
            return current;
        });
        return deleted[0];
    }

    private static boolean isClaim(IdempotencyRecord stored, IdempotencyRecord mine) {
        return stored.status() == IdempotencyRecord.Status.IN_PROGRESS && stored.sameClaim(mine);
    }

    @Override
    public Optional<IdempotencyRecord> get(String key) {
        return Optional.ofNullable(records.get(Objects.requireNonNull(key, "key")));
    }

    /** @return the number of records held */
    public int size() {
        return records.size();
    }

    /** Drops every record. */
    public void clear() {
        records.clear();
    }

    @Override
    public String describe() {
        return "in-memory store";
    }
}
