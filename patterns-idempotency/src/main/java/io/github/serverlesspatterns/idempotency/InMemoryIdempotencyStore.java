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
        return replaceClaim(Objects.requireNonNull(completed, "completed"), completed);
    }

    @Override
    public boolean release(IdempotencyRecord claim) {
        return replaceClaim(Objects.requireNonNull(claim, "claim"), null);
    }

    /** Atomically replaces (or, with {@code null}, deletes) the record of {@code mine}'s key while it is still that claim. */
    private boolean replaceClaim(IdempotencyRecord mine, IdempotencyRecord replacement) {
        boolean[] done = new boolean[1];
        records.computeIfPresent(mine.key(), (key, current) -> {
            if (isClaim(current, mine)) {
                done[0] = true;
                return replacement;
            }
            return current;
        });
        return done[0];
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
