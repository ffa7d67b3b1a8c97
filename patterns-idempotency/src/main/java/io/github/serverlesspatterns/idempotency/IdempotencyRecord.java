package io.github.serverlesspatterns.idempotency;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One key's record in an {@link IdempotencyStore}: IN_PROGRESS while the first call runs, then
 * COMPLETED with the encoded result. Immutable.
 *
 * <p>A record is <em>live</em> until it expires: a COMPLETED record at {@link #expiresAt()} (the
 * configured completed expiry; DynamoDB's TTL attribute), an IN_PROGRESS record at
 * {@link #inProgressUntil()} (the deadline of the invocation that claimed it, so that a call that
 * timed out can be taken over by its retry) or at {@link #expiresAt()}, whichever is first.
 *
 * <p>Every claim carries a {@linkplain #claimToken() claim token} that no other claim shares. A
 * store completes or releases a record only while it still holds the same token, so a call whose
 * claim lapsed and was taken over can never erase or overwrite the new owner's record.
 */
public final class IdempotencyRecord {

    /** The state of a record. */
    public enum Status {
        /** The first call is running. */
        IN_PROGRESS,
        /** The first call finished; its result is kept for replay. */
        COMPLETED,
        /**
         * The first call finished (its effect happened) but its result could not be kept for
         * replay: it failed to encode, or was too large for the store. Duplicates are refused with
         * {@link IdempotencyResultUnavailableException} until the record expires; they never run.
         */
        UNREPLAYABLE
    }

    private final String key;
    private final Status status;
    private final Instant expiresAt;
    private final Instant inProgressUntil;
    private final String payloadHash;
    private final byte[] result;
    private final String claimToken;

    private IdempotencyRecord(String key, Status status, Instant expiresAt, Instant inProgressUntil, String payloadHash,
                              byte[] result, String claimToken) {
        this.key = Objects.requireNonNull(key, "key");
        this.status = Objects.requireNonNull(status, "status");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.inProgressUntil = Objects.requireNonNull(inProgressUntil, "inProgressUntil");
        this.payloadHash = payloadHash;
        this.result = result;
        this.claimToken = claimToken;
    }

    /**
     * A new IN_PROGRESS record with a random claim token.
     *
     * @param key             the stored key (the digest)
     * @param inProgressUntil when the claim lapses (the invocation's deadline)
     * @param expiresAt       when the record expires in any state
     * @param payloadHash     the hash of the validated payload part, or {@code null}
     * @return the record
     */
    public static IdempotencyRecord inProgress(String key, Instant inProgressUntil, Instant expiresAt, String payloadHash) {
        return inProgress(key, inProgressUntil, expiresAt, payloadHash, UUID.randomUUID().toString());
    }

    /**
     * A new IN_PROGRESS record.
     *
     * @param key             the stored key (the digest)
     * @param inProgressUntil when the claim lapses (the invocation's deadline)
     * @param expiresAt       when the record expires in any state
     * @param payloadHash     the hash of the validated payload part, or {@code null}
     * @param claimToken      a token no other claim of this key ever carries (1 to 256 characters)
     * @return the record
     */
    public static IdempotencyRecord inProgress(String key, Instant inProgressUntil, Instant expiresAt, String payloadHash,
                                               String claimToken) {
        Objects.requireNonNull(claimToken, "claimToken");
        if (claimToken.isEmpty() || claimToken.length() > 256) {
            throw new IllegalArgumentException("claimToken must be 1 to 256 characters: " + claimToken.length());
        }
        return new IdempotencyRecord(key, Status.IN_PROGRESS, expiresAt, inProgressUntil, payloadHash, null, claimToken);
    }

    /**
     * A record as a store read it back.
     *
     * @param key             the stored key
     * @param status          the status
     * @param expiresAt       the expiry
     * @param inProgressUntil the in-progress expiry
     * @param payloadHash     the payload hash or {@code null}
     * @param result          the encoded result, or {@code null} for none (in progress, or a {@code null} result)
     * @param claimToken      the token of the claim that wrote it, or {@code null} when the store holds none
     * @return the record
     */
    public static IdempotencyRecord of(String key, Status status, Instant expiresAt, Instant inProgressUntil,
                                       String payloadHash, byte[] result, String claimToken) {
        return new IdempotencyRecord(key, status, expiresAt, inProgressUntil, payloadHash, result == null ? null : result.clone(),
                claimToken);
    }

    /**
     * This record, completed.
     *
     * @param encodedResult the encoded result, or {@code null} when the handler returned {@code null}
     * @param expiresAt     when the completed record expires
     * @return the COMPLETED record
     */
    public IdempotencyRecord complete(byte[] encodedResult, Instant expiresAt) {
        return new IdempotencyRecord(key, Status.COMPLETED, expiresAt, inProgressUntil, payloadHash,
                encodedResult == null ? null : encodedResult.clone(), claimToken);
    }

    /**
     * This record, completed without a replayable result (see {@link Status#UNREPLAYABLE}).
     *
     * @param expiresAt when the record expires
     * @return the UNREPLAYABLE record
     */
    public IdempotencyRecord unreplayable(Instant expiresAt) {
        return new IdempotencyRecord(key, Status.UNREPLAYABLE, expiresAt, inProgressUntil, payloadHash, null, claimToken);
    }

    /**
     * @return the token of the claim that wrote this record (the same in its completed form); empty
     *         for a record a store wrote without one (written before tokens existed)
     */
    public Optional<String> claimToken() {
        return Optional.ofNullable(claimToken);
    }

    /**
     * @param other a record, typically as a store read it back
     * @return {@code true} if both carry the same claim token
     */
    public boolean sameClaim(IdempotencyRecord other) {
        return claimToken != null && claimToken.equals(other.claimToken);
    }

    /** @return the stored key: the config name and the SHA-256 digest of the user's key */
    public String key() {
        return key;
    }

    /** @return the status */
    public Status status() {
        return status;
    }

    /** @return when the record expires in any state */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return when an IN_PROGRESS claim lapses */
    public Instant inProgressUntil() {
        return inProgressUntil;
    }

    /** @return the hash of the validated payload part, if validation is on */
    public Optional<String> payloadHash() {
        return Optional.ofNullable(payloadHash);
    }

    /** @return a copy of the encoded result; empty when in progress or when the handler returned {@code null} */
    public Optional<byte[]> result() {
        return Optional.ofNullable(result).map(byte[]::clone);
    }

    /** @return the size of the encoded result in bytes (0 when there is none) */
    public int resultSize() {
        return result == null ? 0 : result.length;
    }

    /**
     * @param now the current time
     * @return {@code true} if the record no longer counts and its key can be claimed again
     */
    public boolean isExpired(Instant now) {
        if (!now.isBefore(expiresAt)) {
            return true;
        }
        return status == Status.IN_PROGRESS && !now.isBefore(inProgressUntil);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IdempotencyRecord)) {
            return false;
        }
        IdempotencyRecord that = (IdempotencyRecord) o;
        return key.equals(that.key) && status == that.status && expiresAt.equals(that.expiresAt)
                && inProgressUntil.equals(that.inProgressUntil) && Objects.equals(payloadHash, that.payloadHash)
                && Arrays.equals(result, that.result) && Objects.equals(claimToken, that.claimToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, status, expiresAt);
    }

    @Override
    public String toString() {
        return "IdempotencyRecord{key=" + key + ", status=" + status + ", expiresAt=" + expiresAt
                + ", inProgressUntil=" + inProgressUntil + ", resultBytes=" + (result == null ? "none" : result.length) + '}';
    }
}
