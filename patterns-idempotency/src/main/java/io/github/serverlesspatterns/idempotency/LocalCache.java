package io.github.serverlesspatterns.idempotency;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded LRU of COMPLETED records; one lock, since entries are tiny and hits are short. */
final class LocalCache {

    private final Map<String, IdempotencyRecord> records;

    LocalCache(int maxSize) {
        this.records = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, IdempotencyRecord> eldest) {
                return size() > maxSize;
            }
        };
    }

    synchronized IdempotencyRecord get(String key, Instant now) {
        IdempotencyRecord record = records.get(key);
        if (record != null && record.isExpired(now)) {
            records.remove(key);
            return null;
        }
        return record;
    }

    synchronized void put(IdempotencyRecord completed) {
        records.put(completed.key(), completed);
    }

    synchronized int size() {
        return records.size();
    }
}
