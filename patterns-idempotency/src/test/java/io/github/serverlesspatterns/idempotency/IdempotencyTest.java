package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.testing.MutableClock;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdempotencyTest {

    record Order(String id, String body) {
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final AtomicInteger runs = new AtomicInteger();
    private final Handler<Order, String> placeOrder = (order, inv) -> "receipt-" + order.id() + "-" + runs.incrementAndGet();

    private IdempotencyConfig.Builder<Order, String> config() {
        return IdempotencyConfig.<Order, String>builder("orders", Order::id, Codecs.utf8()).clock(clock);
    }

    private Handler<Order, String> decorated(IdempotencyConfig<Order, String> config) {
        return Decorators.decorate(placeOrder, Idempotency.of(store, config));
    }

    private Invocation invocation() {
        return Invocation.builder().clock(clock).timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void repeatCall_afterSuccess_replaysStoredResultWithoutRunningAgain() {
        Handler<Order, String> handler = decorated(config().build());
        String first = handler.handle(new Order("o-1", "x"), invocation());
        String second = handler.handle(new Order("o-1", "x"), invocation());
        assertEquals("receipt-o-1-1", first);
        assertEquals(first, second);
        assertEquals(1, runs.get());
    }

    @Test
    void differentKeys_runIndependently() {
        Handler<Order, String> handler = decorated(config().build());
        handler.handle(new Order("o-1", "x"), invocation());
        handler.handle(new Order("o-2", "x"), invocation());
        assertEquals(2, runs.get());
    }

    @Test
    void storedKey_isTheNamePlusASha256Digest_neverTheRawKey() {
        Idempotency<Order, String> idempotency = Idempotency.of(store, config().build());
        Decorators.decorate(placeOrder, idempotency).handle(new Order("secret-card-4242", "x"), invocation());
        String key = store.get(idempotency.storedKey("secret-card-4242", invocation())).orElseThrow().key();
        assertTrue(key.matches("orders#[0-9a-f]{64}"), key);
        assertFalse(key.contains("secret"));
    }

    @Test
    void sameKeyWithDifferentPayload_isRejectedAsMismatch_andRunsNothing() {
        Handler<Order, String> handler = decorated(config().payload(Order::body).build());
        handler.handle(new Order("o-1", "two apples"), invocation());
        IdempotencyPayloadMismatchException e = assertThrows(IdempotencyPayloadMismatchException.class,
                () -> handler.handle(new Order("o-1", "ten apples"), invocation()));
        assertTrue(e.getMessage().contains("'orders'") && e.getMessage().contains("different payload"), e.getMessage());
        assertEquals(1, runs.get());
    }

    @Test
    void payloadMismatch_isAlsoCaughtOnTheLocalCachePath() {
        Handler<Order, String> handler = decorated(config().payload(Order::body).localCache(10).build());
        handler.handle(new Order("o-1", "two apples"), invocation());
        assertThrows(IdempotencyPayloadMismatchException.class, () -> handler.handle(new Order("o-1", "ten apples"), invocation()));
    }

    @Test
    void payloadMismatch_isAlsoCaughtWhileTheFirstCallIsInProgress() {
        Idempotency<Order, String> idempotency = Idempotency.of(store, config().payload(Order::body).build());
        store.claim(IdempotencyRecord.inProgress(idempotency.storedKey("o-1", invocation()), clock.instant().plusSeconds(30),
                clock.instant().plusSeconds(3600), sha256Of("two apples", idempotency)), clock.instant());
        assertThrows(IdempotencyPayloadMismatchException.class,
                () -> Decorators.decorate(placeOrder, idempotency).handle(new Order("o-1", "ten apples"), invocation()));
    }

    private String sha256Of(String payload, Idempotency<Order, String> idempotency) {
        // the same digest the decorator stores: derive it through a real call on a scratch store
        InMemoryIdempotencyStore scratch = new InMemoryIdempotencyStore();
        Idempotency<Order, String> probe = Idempotency.of(scratch, idempotency.config());
        Decorators.decorate((Handler<Order, String>) (o, i) -> "x", probe).handle(new Order("probe", payload), invocation());
        return scratch.get(probe.storedKey("probe", invocation())).orElseThrow().payloadHash().orElseThrow();
    }

    @Test
    void missingKey_isRejectedByDefault_andRunsNothing() {
        Handler<Order, String> handler = decorated(config().build());
        IdempotencyKeyMissingException e = assertThrows(IdempotencyKeyMissingException.class,
                () -> handler.handle(new Order(null, "x"), invocation()));
        assertTrue(e.getMessage().contains("returned no key (null)"), e.getMessage());
        assertThrows(IdempotencyKeyMissingException.class, () -> handler.handle(new Order("  ", "x"), invocation()));
        assertEquals(0, runs.get());
    }

    @Test
    void missingKey_withRunUnprotected_runsTheHandlerWithoutARecord() {
        Handler<Order, String> handler = decorated(config().missingKeyPolicy(IdempotencyConfig.MissingKeyPolicy.RUN_UNPROTECTED).build());
        handler.handle(new Order(null, "x"), invocation());
        handler.handle(new Order(null, "x"), invocation());
        assertEquals(2, runs.get());
        assertEquals(0, store.size());
    }

    @Test
    void handlerException_passesThroughUnwrapped_andReleasesTheRecordSoTheRetryRuns() {
        IllegalStateException boom = new IllegalStateException("payment declined");
        AtomicInteger attempts = new AtomicInteger();
        Handler<Order, String> flaky = Decorators.decorate((order, inv) -> {
            if (attempts.incrementAndGet() == 1) {
                throw boom;
            }
            return "ok";
        }, Idempotency.of(store, config().build()));

        assertSame(boom, assertThrows(IllegalStateException.class, () -> flaky.handle(new Order("o-1", "x"), invocation())));
        assertEquals(0, store.size(), "released");
        assertEquals("ok", flaky.handle(new Order("o-1", "x"), invocation()));
        assertEquals(2, attempts.get());
    }

    @Test
    void handlerException_withoutRelease_keepsTheKeyInProgressUntilTheDeadline() {
        Handler<Order, String> failing = Decorators.decorate((order, inv) -> {
            throw new IllegalStateException("boom");
        }, Idempotency.of(store, config().releaseOnFailure(false).build()));
        assertThrows(IllegalStateException.class, () -> failing.handle(new Order("o-1", "x"), invocation()));
        assertThrows(IdempotencyInProgressException.class, () -> failing.handle(new Order("o-1", "x"), invocation()));
    }

    @Test
    void duplicateWhileInProgress_isRejectedWithAClearError_andRunsNothing() {
        Idempotency<Order, String> idempotency = Idempotency.of(store, config().build());
        Instant until = clock.instant().plusSeconds(30);
        store.claim(IdempotencyRecord.inProgress(idempotency.storedKey("o-1", invocation()), until, clock.instant().plusSeconds(3600), null),
                clock.instant());
        IdempotencyInProgressException e = assertThrows(IdempotencyInProgressException.class,
                () -> Decorators.decorate(placeOrder, idempotency).handle(new Order("o-1", "x"), invocation()));
        assertEquals(until, e.inProgressUntil());
        assertTrue(e.getMessage().contains("IN_PROGRESS") && e.getMessage().contains("orders#"), e.getMessage());
        assertEquals(0, runs.get());
    }

    @Test
    void inProgressRecordOfATimedOutCall_isTakenOverAfterItsDeadline() {
        Idempotency<Order, String> idempotency = Idempotency.of(store, config().build());
        store.claim(IdempotencyRecord.inProgress(idempotency.storedKey("o-1", invocation()), clock.instant().plusSeconds(30),
                clock.instant().plusSeconds(3600), null), clock.instant());
        clock.advance(Duration.ofSeconds(31));
        assertEquals("receipt-o-1-1", Decorators.decorate(placeOrder, idempotency).handle(new Order("o-1", "x"), invocation()));
    }

    @Test
    void inProgressExpiry_isTheInvocationDeadline() {
        Idempotency<Order, String> idempotency = Idempotency.of(store, config().build());
        Invocation invocation = Invocation.builder().clock(clock).timeout(Duration.ofSeconds(7)).build();
        Handler<Order, String> peek = Decorators.decorate((order, inv) -> {
            IdempotencyRecord record = store.get(idempotency.storedKey(order.id(), invocation())).orElseThrow();
            assertEquals(IdempotencyRecord.Status.IN_PROGRESS, record.status());
            assertEquals(invocation.deadline(), record.inProgressUntil());
            return "ok";
        }, idempotency);
        peek.handle(new Order("o-1", "x"), invocation);
    }

    @Test
    void completedRecord_expiresAfterTheConfiguredExpiry_thenRunsAgain() {
        Handler<Order, String> handler = decorated(config().completedExpiry(Duration.ofMinutes(10)).build());
        handler.handle(new Order("o-1", "x"), invocation());
        clock.advance(Duration.ofMinutes(9));
        handler.handle(new Order("o-1", "x"), invocation());
        assertEquals(1, runs.get());
        clock.advance(Duration.ofMinutes(2));
        handler.handle(new Order("o-1", "x"), invocation());
        assertEquals(2, runs.get());
    }

    @Test
    void localCache_replaysWithoutTouchingTheStore_andHonoursExpiry() {
        CountingStore counting = new CountingStore(store);
        Handler<Order, String> handler = Decorators.decorate(placeOrder,
                Idempotency.of(counting, config().localCache(100).completedExpiry(Duration.ofMinutes(5)).build()));
        handler.handle(new Order("o-1", "x"), invocation());
        int afterFirst = counting.calls.get();
        handler.handle(new Order("o-1", "x"), invocation());
        assertEquals(afterFirst, counting.calls.get(), "a repeat served by the local cache costs no store call");
        clock.advance(Duration.ofMinutes(6));
        handler.handle(new Order("o-1", "x"), invocation());
        assertEquals(2, runs.get(), "expired in the cache and in the store: runs again");
    }

    @Test
    void storeCalls_firstCallIsClaimPlusComplete_repeatIsOneClaim() {
        CountingStore counting = new CountingStore(store);
        Handler<Order, String> handler = Decorators.decorate(placeOrder, Idempotency.of(counting, config().build()));
        handler.handle(new Order("o-1", "x"), invocation());
        assertEquals(2, counting.calls.get());
        handler.handle(new Order("o-1", "x"), invocation());
        assertEquals(3, counting.calls.get());
    }

    @Test
    void nullResult_isReplayedAsNull() {
        AtomicInteger calls = new AtomicInteger();
        Handler<Order, String> handler = Decorators.decorate((order, inv) -> {
            calls.incrementAndGet();
            return null;
        }, Idempotency.of(store, config().build()));
        assertNull(handler.handle(new Order("o-1", "x"), invocation()));
        assertNull(handler.handle(new Order("o-1", "x"), invocation()));
        assertEquals(1, calls.get());
    }

    @Test
    void storeDown_raisesAClearErrorNamingStoreAndKey_andTheHandlerDoesNotRun() {
        IdempotencyStore down = new CountingStore(store) {
            @Override
            public ClaimResult claim(IdempotencyRecord inProgress, Instant now) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public String describe() {
                return "test store";
            }
        };
        Handler<Order, String> handler = Decorators.decorate(placeOrder, Idempotency.of(down, config().build()));
        IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class,
                () -> handler.handle(new Order("o-1", "x"), invocation()));
        assertTrue(e.getMessage().contains("test store failed on claim for key orders#"), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
        assertTrue(e instanceof PatternsException);
        assertEquals(0, runs.get());
    }

    @Test
    void waitMode_duplicateWaitsForTheFirstCall_andReplaysItsResult() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Handler<Order, String> slow = Decorators.decorate((order, inv) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "receipt-" + runs.incrementAndGet();
        }, Idempotency.of(store, config().waitForInProgress(Duration.ofSeconds(10)).build()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> slow.handle(new Order("o-1", "x"), invocation()));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            Future<String> duplicate = pool.submit(() -> slow.handle(new Order("o-1", "x"), invocation()));
            Thread.sleep(100); // let the duplicate find the record IN_PROGRESS and start waiting
            release.countDown();
            assertEquals("receipt-1", first.get(10, TimeUnit.SECONDS));
            assertEquals("receipt-1", duplicate.get(10, TimeUnit.SECONDS));
            assertEquals(1, runs.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitMode_givesUpAtTheBound_withTheInProgressError() {
        Idempotency<Order, String> idempotency = Idempotency.of(store, config().waitForInProgress(Duration.ofMillis(150)).build());
        store.claim(IdempotencyRecord.inProgress(idempotency.storedKey("o-1", invocation()), clock.instant().plusSeconds(30),
                clock.instant().plusSeconds(3600), null), clock.instant());
        IdempotencyInProgressException e = assertThrows(IdempotencyInProgressException.class,
                () -> Decorators.decorate(placeOrder, idempotency).handle(new Order("o-1", "x"), invocation()));
        assertTrue(e.getMessage().contains("waited"), e.getMessage());
    }

    @Test
    void config_rejectsBadValuesAtTheSetter() {
        assertThrows(IllegalArgumentException.class,
                () -> IdempotencyConfig.<Order, String>builder("bad name!", Order::id, Codecs.utf8()));
        assertThrows(NullPointerException.class, () -> IdempotencyConfig.<Order, String>builder("n", null, Codecs.utf8()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config().completedExpiry(Duration.ofMillis(10)));
        assertTrue(e.getMessage().contains("PT0.01S"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config().localCache(-1));
        assertThrows(IllegalArgumentException.class, () -> config().waitForInProgress(Duration.ofSeconds(-1)));
        IdempotencyConfig<Order, String> built = config().localCache(5).build();
        assertEquals(5, built.toBuilder().build().localCacheSize());
        assertEquals(IdempotencyConfig.DEFAULT_COMPLETED_EXPIRY, built.completedExpiry());
    }

    /** Counts store calls; delegates to a real store. */
    static class CountingStore implements IdempotencyStore {
        final AtomicInteger calls = new AtomicInteger();
        private final IdempotencyStore delegate;

        CountingStore(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public ClaimResult claim(IdempotencyRecord inProgress, Instant now) {
            calls.incrementAndGet();
            return delegate.claim(inProgress, now);
        }

        @Override
        public boolean complete(IdempotencyRecord completed, Instant now) {
            calls.incrementAndGet();
            return delegate.complete(completed, now);
        }

        @Override
        public boolean release(IdempotencyRecord claim) {
            calls.incrementAndGet();
            return delegate.release(claim);
        }

        @Override
        public Optional<IdempotencyRecord> get(String key) {
            calls.incrementAndGet();
            return delegate.get(key);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    @Test
    void sixtyFourThreads_oneKey_runTheHandlerExactlyOnce() throws Exception {
        ConcurrencyChecks.assertExactlyOnce(store, 64);
    }
}
