package io.github.serverlesspatterns.idempotency;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link IdempotencyStore#claim} found: either the caller now holds the key (a new
 * IN_PROGRESS record was written), or a live record of an earlier call exists. Immutable.
 */
public final class ClaimResult {

    private static final ClaimResult CLAIMED = new ClaimResult(null);

    private final IdempotencyRecord existing;

    private ClaimResult(IdempotencyRecord existing) {
        this.existing = existing;
    }

    /** @return the result for a successful claim */
    public static ClaimResult claimed() {
        return CLAIMED;
    }

    /**
     * @param existing the live record that prevented the claim
     * @return the result for a refused claim
     */
    public static ClaimResult existing(IdempotencyRecord existing) {
        return new ClaimResult(Objects.requireNonNull(existing, "existing"));
    }

    /** @return {@code true} if the caller holds the key and must run the handler */
    public boolean isClaimed() {
        return existing == null;
    }

    /** @return the live record of an earlier call, when the claim was refused */
    public Optional<IdempotencyRecord> existingRecord() {
        return Optional.ofNullable(existing);
    }

    @Override
    public String toString() {
        return existing == null ? "ClaimResult{claimed}" : "ClaimResult{existing=" + existing + '}';
    }
}
