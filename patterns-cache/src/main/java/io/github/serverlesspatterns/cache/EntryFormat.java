package io.github.serverlesspatterns.cache;

import io.github.serverlesspatterns.core.Codec;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * How a cache's entries look in its store: one marker byte ({@code V} value, {@code N} absence,
 * {@code T} tombstone), the logical expiry (8 bytes), the load time (4 bytes), then the codec's
 * bytes. A tombstone is the marker and 16 random bytes, unique per invalidation, so that a
 * compare-and-set against what a reader saw ({@link Seen}) fails after any invalidation.
 *
 * @param <V> value type
 */
final class EntryFormat<V> {

    private static final byte VALUE = 'V';
    private static final byte ABSENT = 'N';
    private static final byte TOMBSTONE = 'T';
    private static final int HEADER = 1 + 8 + 4;

    private final String cacheName;
    private final String prefix;
    private final Codec<V> codec;

    EntryFormat(String cacheName, String prefix, Codec<V> codec) {
        this.cacheName = cacheName;
        this.prefix = prefix;
        this.codec = codec;
    }

    byte[] encode(CacheEntry e) {
        byte[] payload = e.absent() ? new byte[0] : codec.encode(valueOf(e));
        return ByteBuffer.allocate(HEADER + payload.length).put(e.absent() ? ABSENT : VALUE).putLong(e.expiresAt())
                .putInt(e.deltaMillis()).put(payload).array();
    }

    @SuppressWarnings("unchecked")
    V valueOf(CacheEntry e) {
        return e.absent() ? null : (V) e.value();
    }

    /**
     * @throws CacheException naming the cache when the bytes are not an entry of this format
     */
    CacheEntry decode(byte[] raw) {
        if (raw.length < HEADER || (raw[0] != VALUE && raw[0] != ABSENT)) {
            throw new CacheException("cache '" + cacheName + "': a Redis value is not in this cache's format ("
                    + raw.length + " bytes); another program writes under the prefix " + prefix);
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        boolean absent = b.get() == ABSENT;
        long expiresAt = b.getLong();
        int delta = b.getInt();
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new CacheEntry(absent ? null : codec.decode(payload), absent, expiresAt, delta);
    }

    /** @return a new tombstone: unique, so nothing read before it compares equal after it */
    static byte[] tombstone() {
        byte[] t = new byte[17];
        t[0] = TOMBSTONE;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random); // a new generator each time: nothing of it is in a SnapStart snapshot
        System.arraycopy(random, 0, t, 1, 16);
        return t;
    }

    static boolean isTombstone(byte[] raw) {
        return raw.length > 0 && raw[0] == TOMBSTONE;
    }

    /**
     * What a reader saw in the store before loading: the value is written only if the store still
     * holds exactly that (compare-and-set), so a load that an invalidation overtook never writes.
     */
    static final class Seen {
        static final Seen NOTHING = new Seen(null);

        private final byte[] raw;

        private Seen(byte[] raw) {
            this.raw = raw;
        }

        static Seen of(byte[] raw) {
            return raw == null ? NOTHING : new Seen(raw);
        }

        /** @return the bytes seen, or {@code null} for none */
        byte[] bytes() {
            return raw;
        }

        /** @return whether {@code other} (bytes read now, or {@code null}) is what was seen */
        boolean matches(byte[] other) {
            return Arrays.equals(raw, other);
        }
    }
}
