package io.github.serverlesspatterns.idempotency;

import io.github.serverlesspatterns.core.Codec;
import io.github.serverlesspatterns.core.CodecException;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Failures;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the decorator does with every kind of failure, and with a claim it no longer owns. */
class IdempotencyFailureSemanticsTest {

    record Order(String id, String body) {
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final AtomicInteger runs = new AtomicInteger();

    private IdempotencyConfig.Builder<Order, String> config() {
        return IdempotencyConfig.<Order, String>builder("orders", Order::id, Codecs.utf8()).clock(clock);
    }

    private Invocation invocation(Duration timeout) {
        return Invocation.builder().clock(clock).timeout(timeout).build();
    }

    private Invocation invocation() {
        return invocation(Duration.ofSeconds(30));
    }

    @Test
    void anUndeclaredCheckedException_releasesTheClaim_andPassesThroughUnchanged() {
        java.io.IOException io = new java.io.IOException("partner unreachable");
        Handler<Order, String> h = Decorators.decorate((o, inv) -> {
            runs.incrementAndGet();
            throw Failures.rethrow(io);
        }, Idempotency.of(store, config().build()));
        Throwable thrown = assertThrows(Throwable.class, () -> h.handle(new Order("o-1", "x"), invocation()));
        assertSame(io, thrown);
        assertEquals(0, store.size(), "nothing stays IN_PROGRESS");
        assertThrows(Throwable.class, () -> h.handle(new Order("o-1", "x"), invocation()));
        assertEquals(2, runs.get(), "the retry ran again at once, not after the deadline");
    }

    @Test
    void anError_releasesTheClaim_too() {
        Handler<Order, String> h = Decorators.decorate((o, inv) -> {
            throw new ExceptionInInitializerError("static init failed");
        }, Idempotency.of(store, config().build()));
        assertThrows(ExceptionInInitializerError.class, () -> h.handle(new Order("o-1", "x"), invocation()));
        assertEquals(0, store.size());
    }

    private static final Codec<String> CANNOT_ENCODE = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            throw new CodecException("cannot encode a " + value.getClass().getSimpleName(), null);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    };

    @Test
    void aResultThatFailsToEncode_keepsTheKeyProtected_theEffectNeverRunsTwice() {
        Handler<Order, String> h = Decorators.decorate((o, inv) -> "receipt-" + runs.incrementAndGet(),
                Idempotency.of(store, IdempotencyConfig.<Order, String>builder("orders", Order::id, CANNOT_ENCODE).clock(clock).build()));
        assertEquals("receipt-1", h.handle(new Order("o-1", "x"), invocation()), "the first caller gets its result");
        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> h.handle(new Order("o-1", "x"), invocation()));
        assertTrue(e.getMessage().contains("was completed by an earlier call"), e.getMessage());
        assertEquals(1, runs.get(), "the immediate retry did not repeat the effect");
    }

    @Test
    void aResultTooLargeForTheStore_keepsTheKeyProtected() {
        IdempotencyStore small = new IdempotencyTest.CountingStore(store) {
            @Override
            public boolean complete(IdempotencyRecord completed, Instant now) {
                if (completed.resultSize() > 4) {
                    throw new IdempotencyResultTooLargeException("the result is " + completed.resultSize() + " bytes");
                }
                return super.complete(completed, now);
            }
        };
        Handler<Order, String> h = Decorators.decorate((o, inv) -> "receipt-" + runs.incrementAndGet(),
                Idempotency.of(small, config().build()));
        assertEquals("receipt-1", h.handle(new Order("o-1", "x"), invocation()));
        assertThrows(IdempotencyResultUnavailableException.class, () -> h.handle(new Order("o-1", "x"), invocation()));
        assertEquals(1, runs.get());
        assertEquals(1, store.size());
        assertEquals(IdempotencyRecord.Status.UNREPLAYABLE, store.get(onlyKey()).orElseThrow().status());
    }

    private String onlyKey() {
        return Idempotency.of(store, config().build()).storedKey("o-1", invocation());
    }

    @Test
    void aStoreFailureOnCompletion_releasesTheClaim_andNamesTheStore() {
        IdempotencyStore failing = new IdempotencyTest.CountingStore(store) {
            @Override
            public boolean complete(IdempotencyRecord completed, Instant now) {
                throw new IllegalStateException("connection reset");
            }
        };
        Handler<Order, String> h = Decorators.decorate((o, inv) -> "receipt-" + runs.incrementAndGet(),
                Idempotency.of(failing, config().build()));
        IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class, () -> h.handle(new Order("o-1", "x"), invocation()));
        assertTrue(e.getMessage().contains("failed on complete"), e.getMessage());
        assertEquals(0, store.size(), "nothing stays IN_PROGRESS");
    }

    /**
     * A (deadline 1 s) is still running at 2 s when B takes its lapsed claim over; A then fails, or
     * succeeds. Neither may touch B's claim: C, arriving while B runs, must not run.
     */
    @Test
    void aLapsedClaimsOwner_neverErasesOrOverwritesTheNewOwnersClaim() throws Exception {
        for (boolean aFails : new boolean[] {true, false}) {
            store.clear();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch bEntered = new CountDownLatch(1);
            CountDownLatch bMayFinish = new CountDownLatch(1);
            ExecutorService b = Executors.newSingleThreadExecutor();
            Idempotency<Order, String> idempotency = Idempotency.of(store, config().build());
            Handler<Order, String> slowB = Decorators.decorate((o, inv) -> {
                ran.incrementAndGet();
                bEntered.countDown();
                try {
                    bMayFinish.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "from-B";
            }, idempotency);
            java.util.concurrent.atomic.AtomicReference<Future<String>> bResult = new java.util.concurrent.atomic.AtomicReference<>();
            Handler<Order, String> a = Decorators.decorate((o, inv) -> {
                ran.incrementAndGet();
                clock.advance(Duration.ofSeconds(2)); // A runs past its 1 s deadline...
                bResult.set(b.submit(() -> slowB.handle(new Order("o-1", "x"), invocation())));
                try {
                    assertTrue(bEntered.await(20, TimeUnit.SECONDS)); // ...and B has taken the key over
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (aFails) {
                    throw new IllegalStateException("A failed late");
                }
                return "from-A";
            }, idempotency);
            try {
                if (aFails) {
                    assertThrows(IllegalStateException.class, () -> a.handle(new Order("o-1", "x"), invocation(Duration.ofSeconds(1))));
                } else {
                    assertEquals("from-A", a.handle(new Order("o-1", "x"), invocation(Duration.ofSeconds(1))));
                }
                Handler<Order, String> c = Decorators.decorate((o, inv) -> {
                    ran.incrementAndGet();
                    return "from-C";
                }, idempotency);
                assertThrows(IdempotencyInProgressException.class, () -> c.handle(new Order("o-1", "x"), invocation()),
                        "A " + (aFails ? "failing" : "succeeding") + " late left B's claim alone");
                bMayFinish.countDown();
                assertEquals("from-B", bResult.get().get(20, TimeUnit.SECONDS));
                assertEquals("from-B", c.handle(new Order("o-1", "x"), invocation()), "B's result is the one kept");
                assertEquals(2, ran.get(), "A and B ran; C never did");
            } finally {
                bMayFinish.countDown();
                b.shutdownNow();
            }
        }
    }

    @Test
    void waitingForAnInProgressKey_makesNoStoreCallAfterTheCallersDeadline() {
        AtomicInteger lateCalls = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        Invocation shortCall = Invocation.builder().timeout(Duration.ofMillis(1500)).build(); // the system clock
        IdempotencyStore watching = new IdempotencyTest.CountingStore(store) {
            @Override
            public ClaimResult claim(IdempotencyRecord inProgress, Instant now) {
                count();
                return super.claim(inProgress, now);
            }

            @Override
            public java.util.Optional<IdempotencyRecord> get(String key) {
                count();
                return super.get(key);
            }

            private void count() {
                polls.incrementAndGet();
                if (shortCall.remainingTime().isNegative() || shortCall.remainingTime().isZero()) {
                    lateCalls.incrementAndGet();
                }
            }
        };
        IdempotencyConfig<Order, String> waiting = IdempotencyConfig.<Order, String>builder("orders", Order::id, Codecs.utf8())
                .waitForInProgress(Duration.ofSeconds(10)).build();
        Idempotency<Order, String> idempotency = Idempotency.of(watching, waiting);
        Instant now = Instant.now();
        store.claim(IdempotencyRecord.inProgress(idempotency.storedKey("o-1", shortCall), now.plusSeconds(60), now.plusSeconds(3600),
                null), now); // another call holds the key for a minute
        Handler<Order, String> h = Decorators.decorate((o, inv) -> "ran", idempotency);
        assertThrows(IdempotencyInProgressException.class, () -> h.handle(new Order("o-1", "x"), shortCall));
        assertTrue(polls.get() >= 2, "it did wait and poll: " + polls.get());
        assertEquals(0, lateCalls.get(), "no get or re-claim after the caller's own deadline");
    }
}
