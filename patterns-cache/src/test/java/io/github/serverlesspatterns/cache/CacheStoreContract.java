package io.github.serverlesspatterns.cache;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link CacheStore} must do, whatever keeps the entries: the operations
 * {@link CacheAside}'s protocol stands on (reads, the lock, the compare-and-set, tags, invalidation
 * messages between instances). Extend it with a backend; keys are random, so a shared server is fine.
 * Shipped in this module's {@code tests} jar for stores of your own.
 */
public abstract class CacheStoreContract {

    /** A TTL no test outlives. */
    private static final Duration LONG = Duration.ofMinutes(5);
    /** A TTL tests let pass through {@link #passTime}. */
    private static final Duration SHORT = Duration.ofMillis(200);

    private final List<CacheStore> opened = new ArrayList<>();

    /** @return a store of the backend under test (this test closes it) */
    protected abstract CacheStore newStore();

    /**
     * @return a store of another instance over the same backend (another client of the same server,
     *         or the same in-memory store): what one publishes, the other hears
     */
    protected abstract CacheStore otherInstance();

    /**
     * Lets time pass for the backend's expiry: a real wait on a server, a clock moved by hand in memory.
     *
     * @param d at least this much
     */
    protected abstract void passTime(Duration d) throws InterruptedException;

    private CacheStore store() {
        CacheStore s = newStore();
        opened.add(s);
        return s;
    }

    private CacheStore other() {
        CacheStore s = otherInstance();
        opened.add(s);
        return s;
    }

    /** Runs after the stores this test opened are closed (e.g. to shut down clients made for {@link #otherInstance}). */
    protected void afterStoresClosed() {
    }

    @AfterEach
    void closeStores() {
        opened.forEach(CacheStore::close);
        afterStoresClosed();
    }

    private static String key() {
        return "contract:{" + UUID.randomUUID() + "}:v";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aKeyNeverWritten_readsAsNull_andAWrittenOne_returnsItsExactBytes() {
        CacheStore store = store();
        String k = key();
        assertNull(store.get(k));
        byte[] binary = {0, (byte) 0xff, (byte) 0xfe, 'T', 0, 13, 10}; // not UTF-8, with zero bytes
        store.put(k, binary, LONG);
        assertArrayEquals(binary, store.get(k));
        String empty = key();
        store.put(empty, new byte[0], LONG);
        assertArrayEquals(new byte[0], store.get(empty), "an empty value is a value, not a miss");
    }

    @Test
    void aValue_isGone_onceItsTtlHasPassed() throws Exception {
        CacheStore store = store();
        String brief = key();
        String lasting = key();
        store.put(brief, bytes("brief"), SHORT);
        store.put(lasting, bytes("lasting"), LONG);
        passTime(SHORT.plusMillis(100));
        assertNull(store.get(brief));
        assertArrayEquals(bytes("lasting"), store.get(lasting));
    }

    @Test
    void putIfAbsent_winsOnce_untilTheWinnersTtlPasses_orItIsDeleted() throws Exception {
        CacheStore store = store();
        String lock = key();
        // the winner's lock lives long here, so that no slowness of the machine can end it early
        assertTrue(store.putIfAbsent(lock, bytes("a"), LONG));
        assertFalse(store.putIfAbsent(lock, bytes("b"), LONG));
        assertArrayEquals(bytes("a"), store.get(lock), "the loser wrote nothing");
        store.delete(lock);
        assertTrue(store.putIfAbsent(lock, bytes("c"), SHORT), "the lock was released");
        passTime(SHORT.plusMillis(100));
        assertTrue(store.putIfAbsent(lock, bytes("d"), LONG), "the lease ended");
    }

    @Test
    void putIfAbsent_fromManyThreadsAtOnce_letsExactlyOneWin() throws Exception {
        CacheStore store = store();
        String lock = key();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                byte[] owner = bytes("owner-" + i);
                tries.add(pool.submit(() -> {
                    start.await();
                    return store.putIfAbsent(lock, owner, LONG);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> t : tries) {
                won += t.get(1, TimeUnit.MINUTES) ? 1 : 0;
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void putIfUnchanged_expectingNothing_writesOnlyWhereThereIsNoValue() {
        CacheStore store = store();
        String k = key();
        assertTrue(store.putIfUnchanged(k, null, bytes("first"), LONG));
        assertFalse(store.putIfUnchanged(k, null, bytes("second"), LONG), "a value is there now");
        assertArrayEquals(bytes("first"), store.get(k));
    }

    @Test
    void putIfUnchanged_writesOnlyOverExactlyTheBytesTheReaderSaw() {
        CacheStore store = store();
        String k = key();
        store.put(k, bytes("v1"), LONG);
        byte[] seen = store.get(k);
        store.put(k, bytes("tombstone"), LONG); // an invalidation after the read
        assertFalse(store.putIfUnchanged(k, seen, bytes("stale load"), LONG), "the invalidation overtook the load");
        assertArrayEquals(bytes("tombstone"), store.get(k));
        assertTrue(store.putIfUnchanged(k, store.get(k), bytes("fresh load"), LONG));
        assertArrayEquals(bytes("fresh load"), store.get(k));
        assertFalse(store.putIfUnchanged(k, bytes("fresh loaX"), bytes("x"), LONG), "one byte differs");
    }

    @Test
    void putIfUnchanged_expectingAValueThatExpired_doesNotWrite() throws Exception {
        CacheStore store = store();
        String k = key();
        byte[] seen = bytes("v1"); // what a reader saw (not read back: on a slow machine it may be gone already)
        store.put(k, seen, SHORT);
        passTime(SHORT.plusMillis(100));
        assertFalse(store.putIfUnchanged(k, seen, bytes("v2"), LONG));
        assertNull(store.get(k));
    }

    @Test
    void delete_removesAValue_andIsHarmlessOnAMissingKey() {
        CacheStore store = store();
        String k = key();
        store.put(k, bytes("v"), LONG);
        store.delete(k);
        assertNull(store.get(k));
        store.delete(k);
    }

    @Test
    void getAll_answersInOrder_withNullForMisses_acrossManyKeys() {
        CacheStore store = store();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // on a cluster, keys of every node
            keys.add("contract:" + UUID.randomUUID());
        }
        for (int i = 0; i < keys.size(); i += 2) {
            store.put(keys.get(i), bytes("v" + i), LONG);
        }
        List<byte[]> got = store.getAll(keys);
        assertEquals(keys.size(), got.size());
        for (int i = 0; i < keys.size(); i++) {
            if (i % 2 == 0) {
                assertArrayEquals(bytes("v" + i), got.get(i), "key " + i);
            } else {
                assertNull(got.get(i), "key " + i);
            }
        }
        assertEquals(List.of(), store.getAll(List.of()));
    }

    @Test
    void aTag_listsItsMembers_dropsTheExpiredOnesOnTheNextAdd_andIsGoneWhenDeleted() {
        CacheStore store = store();
        String tag = key();
        long now = 1_000_000L;
        store.addToTag(tag, "m-old", now + 10, now, LONG);
        store.addToTag(tag, "m-a", now + 60_000, now, LONG);
        store.addToTag(tag, "m-a", now + 90_000, now, LONG); // written again: one member
        assertEquals(Set.of("m-old", "m-a"), new TreeSet<>(store.tagMembers(tag)));
        store.addToTag(tag, "m-b", now + 60_000, now + 20, LONG); // now past m-old's expiry
        assertEquals(Set.of("m-a", "m-b"), new TreeSet<>(store.tagMembers(tag)));
        store.delete(tag);
        assertEquals(List.of(), store.tagMembers(tag));
        assertEquals(List.of(), store.tagMembers(key()), "a tag never written");
    }

    @Test
    void aTag_isGone_onceItsKeepHasPassed() throws Exception {
        CacheStore store = store();
        String tag = key();
        store.addToTag(tag, "m", Long.MAX_VALUE / 2, 0, SHORT);
        passTime(SHORT.plusMillis(100));
        assertEquals(List.of(), store.tagMembers(tag));
    }

    @Test
    void aMessage_reachesEverySubscriberOfItsChannel_inThisInstanceAndAnother_andNoOtherChannel() throws Exception {
        CacheStore publisher = store();
        CacheStore subscriber = other();
        String channel = "contract-" + UUID.randomUUID();
        BlockingQueue<String> heardHere = new LinkedBlockingQueue<>();
        BlockingQueue<String> heardThere = new LinkedBlockingQueue<>();
        BlockingQueue<String> heardElsewhere = new LinkedBlockingQueue<>();
        publisher.subscribe(channel, heardHere::add);
        subscriber.subscribe(channel, heardThere::add);
        subscriber.subscribe(channel + "-other", heardElsewhere::add);
        publisher.get(key()); // a store may connect (and subscribe) on its first call
        subscriber.get(key());
        publisher.publish(channel, "a k1");
        assertEquals("a k1", heardThere.poll(20, TimeUnit.SECONDS), "another instance hears it");
        assertEquals("a k1", heardHere.poll(20, TimeUnit.SECONDS), "this instance hears its own");
        publisher.publish(channel + "-other", "b k2");
        assertEquals("b k2", heardElsewhere.poll(20, TimeUnit.SECONDS));
        assertTrue(heardThere.isEmpty() && heardHere.isEmpty(), "the other channel's message reached only its subscriber: "
                + heardThere + heardHere);
    }

    @Test
    void aChannelSubscribedAfterTheStoreConnected_isHeardToo() throws Exception {
        CacheStore publisher = store();
        CacheStore subscriber = other();
        String channel = "contract-" + UUID.randomUUID();
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        BlockingQueue<String> second = new LinkedBlockingQueue<>();
        subscriber.subscribe(channel, first::add);
        subscriber.get(key()); // connected and subscribed
        subscriber.subscribe(channel + "-2", second::add); // a second cache on the same store
        subscriber.get(key());
        publisher.publish(channel + "-2", "late");
        publisher.publish(channel, "early");
        assertEquals("late", second.poll(20, TimeUnit.SECONDS));
        assertEquals("early", first.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void afterRestore_callsWorkAgain_andSubscriptionsStillHear() throws Exception {
        CacheStore publisher = store();
        CacheStore subscriber = other();
        String channel = "contract-" + UUID.randomUUID();
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        subscriber.subscribe(channel, heard::add);
        subscriber.get(key());
        subscriber.afterRestore();
        String k = key();
        subscriber.put(k, bytes("after"), LONG);
        assertArrayEquals(bytes("after"), subscriber.get(k));
        publisher.publish(channel, "restored");
        assertEquals("restored", heard.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void valuesAreCopied_soACallersArrayChangedLaterDoesNotChangeTheStore() {
        CacheStore store = store();
        String k = key();
        byte[] value = bytes("abc");
        store.put(k, value, LONG);
        Arrays.fill(value, (byte) 'x');
        byte[] read = store.get(k);
        assertArrayEquals(bytes("abc"), read);
        Arrays.fill(read, (byte) 'y');
        assertArrayEquals(bytes("abc"), store.get(k));
    }
}
