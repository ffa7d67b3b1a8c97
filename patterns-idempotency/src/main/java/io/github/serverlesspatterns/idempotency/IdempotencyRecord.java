package io.github.serverlesspatterns.idempotency;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One key's record in an {@link IdempotencyStore}: IN_PROGRESS while the first call runs, then
 * COMPLETED with the encoded result. Immutable.
 *
 * <p>A record is <em>live</em> until it expires: a COMPLETED record at {@link #expiresAt()} (the
 * configured completed expiry; DynamoDB's TTL attribute), an IN_PROGRESS record at
 * {@link #inProgressUntil()} (the deadline of the invocation that claimed it, so that a call that
 * timed out can be taken over by its retry) or at {@link #expiresAt()}, whichever is first.
 */
public final class IdempotencyRecord {

    /** The state of a record. */
    public enum Status {
        /** The first call is running. */
        IN_PROGRESS,
        /** The first call finished; its result is kept for replay. */
        COMPLETED
    }

    private final String key;
    private final Status status;
    private final Instant expiresAt;
    private final Instant inProgressUntil;
    private final String payloadHash;
    private final byte[] result;

    private IdempotencyRecord(String key, Status status, Instant expiresAt, Instant inProgressUntil, String payloadHash,
                              byte[] result) {
        this.key = Objects.requireNonNull(key, "key");
        this.status = Objects.requireNonNull(status, "status");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.inProgressUntil = Objects.requireNonNull(inProgressUntil, "inProgressUntil");
        this.payloadHash = payloadHash;
        this.result = result;
    }

    /**
     * A new IN_PROGRESS record.
     *
     * @param key             the stored key (the digest)
     * @param inProgressUntil when the claim lapses (the invocation's deadline)
     * @param expiresAt       when the record expires in any state
     * @param payloadHash     the hash of the validated payload part, or {@code null}
     * @return the record
     */
    public static IdempotencyRecord inProgress(String key, Instant inProgressUntil, Instant expiresAt, String payloadHash) {
        return new IdempotencyRecord(key, Status.IN_PROGRESS, expiresAt, inProgressUntil, payloadHash, null);
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
     * @return the record
     */
    public static IdempotencyRecord of(String key, Status status, Instant expiresAt, Instant inProgressUntil,
                                       String payloadHash, byte[] result) {
        return new IdempotencyRecord(key, status, expiresAt, inProgressUntil, payloadHash, result == null ? null : result.clone());
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
                encodedResult == null ? null : encodedResult.clone());
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
                && Arrays.equals(result, that.result);
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
