package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.core.PatternsException;
import io.github.serverlesspatterns.core.internal.EvictionCheck;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.IdempotencyStoreException;
import io.github.serverlesspatterns.testing.RedisService;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis idempotency store through real faults, on a Redis 7 server of its own. Found before:
 * a completion that timed out on the client was followed by an unconditional DEL; Redis applied
 * the late completion, then the DEL, and the retry ran the handler again (4 of 4); a claim that
 * timed out on the client but landed later held the key IN_PROGRESS until the invocation's
 * deadline; a fresh instance's first call during a freeze waited on Lettuce's own 60 s. And found
 * here: a server that had not run the completion script yet (a fresh or restarted one) answered
 * the late EVALSHA with NOSCRIPT, unseen after the client's timeout, while the release that followed
 * ran by EVAL: the claim was deleted and the retry ran the handler again (scripts now always EVAL).
 */
class RedisIdempotencyFaultsTest {

    /** A server of this test's own (it is frozen, filled and restarted), stopped after each test. */
    @AutoClose
    private final RedisService redis = RedisService.start();
    private final AtomicInteger runs = new AtomicInteger();



    private Handler<String, String> idempotent(RedisIdempotencyStore store, Handler<String, String> handler) {
        return Decorators.decorate(handler, Idempotency.of(store,
                IdempotencyConfig.<String, String>builder("faults-" + UUID.randomUUID(), k -> k, Codecs.utf8()).build()));
    }

    private static Invocation invocation() {
        return Invocation.builder().timeout(Duration.ofMinutes(5)).build();
    }

    /** Freezes the server now and thaws it after a pause, from another thread (the caller is blocked on a frozen command). */
    private Thread freezeFor(Duration pause) {
        redis.freeze();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            redis.thaw();
        });
        t.start();
        return t;
    }

    @Test
    void aCompletionThatTimedOut_butLandedLate_isNeverErased_soTheRetryReplaysInsteadOfRunningAgain() throws Exception {
        try (RedisIdempotencyStore store = RedisIdempotencyStore.builder(redis.client()).prefix("idem:").timeout(Duration.ofMillis(200)).build()) {
            Thread[] thaw = new Thread[1];
            Handler<String, String> once = idempotent(store, (k, inv) -> {
                if (runs.incrementAndGet() == 1) {
                    thaw[0] = freezeFor(Duration.ofMillis(800)); // Redis stalls after the claim, while the result is being stored
                }
                return "paid-" + k;
            });
            assertThrows(IdempotencyStoreException.class, () -> once.handle("order-1", invocation()),
                    "the completion (and the release after it) timed out on the client");
            thaw[0].join();
            // the server now runs what it had queued: the completion (this claim's), then the compare-and-delete,
            // which finds a COMPLETED record and leaves it
            assertEquals("paid-order-1", once.handle("order-1", invocation()), "the retry gets the stored result");
            assertEquals(1, runs.get(), "the handler ran once");
        }
    }

    @Test
    void aClaimThatTimedOut_butLandedLate_isReleased_soTheRetryRuns_insteadOfWaitingOutTheDeadline() throws Exception {
        try (RedisIdempotencyStore store = RedisIdempotencyStore.builder(redis.client()).prefix("idem:").timeout(Duration.ofMillis(200)).build()) {
            Handler<String, String> once = idempotent(store, (k, inv) -> "paid-" + runs.incrementAndGet());
            assertEquals("paid-1", once.handle("warm-up", invocation())); // connected
            Thread thaw = freezeFor(Duration.ofMillis(800));
            assertThrows(IdempotencyStoreException.class, () -> once.handle("order-2", invocation()));
            thaw.join();
            assertEquals("paid-2", once.handle("order-2", invocation()),
                    "the late claim was released by its token: the retry runs now, not after the 5-minute deadline");
        }
    }

    @Test
    void aFreshInstancesFirstCall_duringAFreeze_failsWithinTheConnectTimeout_notLettucesMinute() {
        RedisClient fresh = redis.clientFor(RedisURI.builder(redis.uri()).build());
        fresh.setOptions(ClientOptions.builder().socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()).build());
        redis.freeze();
        try (RedisIdempotencyStore store = RedisIdempotencyStore.builder(fresh).prefix("idem:").timeout(Duration.ofMillis(500)).build()) {
            Handler<String, String> once = idempotent(store, (k, inv) -> "paid-" + runs.incrementAndGet());
            // bounded by the client's 1 s connect timeout; without the bound Lettuce waits its 60 s command timeout
            IdempotencyStoreException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(IdempotencyStoreException.class, () -> once.handle("order-3", invocation())));
            assertTrue(e.getMessage().contains("no Redis connection within 1000 ms"), e.getMessage());
            assertEquals(0, runs.get(), "the handler never ran unprotected");
        } finally {
            redis.thaw();
            fresh.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void aWrongPassword_isNamedInTheError_notOnlyUnableToConnect() {
        try (RedisService secured = RedisService.secured()) {
            RedisClient wrong = secured.clientFor(RedisURI.builder(secured.uri())
                    .withAuthentication(RedisService.USER, "not-the-password".toCharArray()).build());
            try (RedisIdempotencyStore store = RedisIdempotencyStore.create(wrong)) {
                IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class,
                        () -> idempotent(store, (k, inv) -> "x").handle("k", invocation()));
                assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
            } finally {
                wrong.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void aServerThatMayEvictRecords_isReported_andOneThatMayNot_isNot() {
        try (var c = redis.client().connect()) {
            assertEquals(Optional.of("noeviction"), EvictionCheck.warnIfEvicting(c.sync(), "test store", "nothing"));
            redis.limitMemory("64mb", "volatile-lru"); // ElastiCache's default policy
            assertEquals(Optional.of("volatile-lru"), EvictionCheck.warnIfEvicting(c.sync(), "test store", "nothing"));
        }
    }

    @Test
    void evictionUnderVolatileLru_dropsCompletedRecords_whichIsWhyTheStoreWarns() {
        redis.limitMemory("3mb", "volatile-lru");
        try (RedisIdempotencyStore store = RedisIdempotencyStore.create(redis.client())) {
            Handler<String, String> once = idempotent(store, (k, inv) -> "paid-" + runs.incrementAndGet());
            once.handle("order-evicted", invocation());
            byte[] filler = new byte[10_000];
            try (var c = redis.client().connect()) {
                for (int i = 0; i < 1_000; i++) { // 10 MB of other keys with a TTL, more than maxmemory holds
                    c.sync().set("filler-" + i, new String(filler, java.nio.charset.StandardCharsets.ISO_8859_1),
                            io.lettuce.core.SetArgs.Builder.px(600_000));
                }
            } catch (RuntimeException oom) {
                // a write can still be refused while eviction catches up
            }
            once.handle("order-evicted", invocation());
            assertEquals(2, runs.get(), "the completed record was evicted and the duplicate ran again: the documented risk");
        }
    }

    @Test
    void prime_onAFrozenServer_namesTheStore() {
        RedisClient fresh = redis.clientFor(RedisURI.builder(redis.uri()).build());
        fresh.setOptions(ClientOptions.builder().socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()).build());
        redis.freeze();
        try (io.github.serverlesspatterns.core.internal.RedisConnection<String, String> connection = new io.github.serverlesspatterns.core.internal.RedisConnection<>(
                fresh, io.lettuce.core.codec.StringCodec.UTF8, Duration.ofMillis(200), "Redis idempotency store", c -> { })) {
            PatternsException e = assertThrows(PatternsException.class, connection::commands);
            assertTrue(e.getMessage().startsWith("Redis idempotency store: "), e.getMessage());
        } finally {
            redis.thaw();
            fresh.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
