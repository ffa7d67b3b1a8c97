package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.internal.BoundedCache;

import java.time.Instant;

/** The decorator's local cache of COMPLETED records: bounded, expiry honoured, no lock on reads. */
final class LocalCache {

    private final BoundedCache<IdempotencyRecord> records;

    LocalCache(int maxSize) {
        this.records = new BoundedCache<>(maxSize);
    }

    IdempotencyRecord get(String key, Instant now) {
        return records.get(key, now.toEpochMilli());
    }

    void put(IdempotencyRecord completed) {
        records.put(completed.key(), completed, completed.expiresAt().toEpochMilli());
    }

    void clear() {
        records.clear();
    }

    int size() {
        return records.size();
    }
}
