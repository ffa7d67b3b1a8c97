package io.github.serverlesspatterns.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.jackson.JsonIdempotencyKeys;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Namespacing, scopes, composite keys, and what is kept and replayed. */
class IdempotencyOptionsTest {

    record Payment(String customer, String paymentId, int amount) {
    }

    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final AtomicInteger runs = new AtomicInteger();
    private final Handler<Payment, String> pay = (p, inv) -> "paid-" + p.paymentId() + "-" + runs.incrementAndGet();

    private static Invocation of(String function) {
        return Invocation.builder().functionName(function).build();
    }

    private IdempotencyConfig.Builder<Payment, String> config() {
        return IdempotencyConfig.builder("payments", Payment::paymentId, Codecs.utf8());
    }

    @Test
    void twoFunctionsWithTheSameConfigName_neverShareRecords_byDefault() {
        Handler<Payment, String> h = Decorators.decorate(pay, Idempotency.of(store, config().build()));
        Payment p = new Payment("c-1", "p-1", 10);
        assertEquals("paid-p-1-1", h.handle(p, of("billing-api")));
        assertEquals("paid-p-1-2", h.handle(p, of("refunds-worker")), "function B ran; it did not get A's result");
        assertEquals("paid-p-1-1", h.handle(p, of("billing-api")), "each function replays its own");
    }

    @Test
    void sharedAcrossFunctions_sharesRecordsOnPurpose() {
        Handler<Payment, String> h = Decorators.decorate(pay, Idempotency.of(store, config().sharedAcrossFunctions(true).build()));
        Payment p = new Payment("c-1", "p-1", 10);
        assertEquals("paid-p-1-1", h.handle(p, of("api")));
        assertEquals("paid-p-1-1", h.handle(p, of("worker")));
        assertEquals(1, runs.get());
    }

    @Test
    void aScopedKey_presentedByAnotherCaller_isAnotherRecord_neverTheFirstCallersResult() {
        Handler<Payment, String> h = Decorators.decorate(pay, Idempotency.of(store, config().scope(Payment::customer).build()));
        Invocation api = of("api");
        assertEquals("paid-k-1-1", h.handle(new Payment("alice", "k-1", 10), api));
        assertEquals("paid-k-1-2", h.handle(new Payment("mallory", "k-1", 10), api), "mallory does not get alice's result");
        assertEquals("paid-k-1-1", h.handle(new Payment("alice", "k-1", 10), api));
        IdempotencyKeyMissingException e = assertThrows(IdempotencyKeyMissingException.class,
                () -> h.handle(new Payment(null, "k-1", 10), api));
        assertTrue(e.getMessage().contains("no scope"), e.getMessage());
    }

    @Test
    void compositeKeys_withEveryPartMissing_haveNoKey_insteadOfSharingNullNull() {
        Function<Payment, String> key = IdempotencyKeys.of(Payment::customer, Payment::paymentId);
        assertNull(key.apply(new Payment(null, null, 1)));
        assertNull(key.apply(new Payment(" ", null, 1)), "blank counts as missing");
        Handler<Payment, String> h = Decorators.decorate(pay, Idempotency.of(store,
                IdempotencyConfig.builder("payments", key, Codecs.utf8()).build()));
        assertThrows(IdempotencyKeyMissingException.class, () -> h.handle(new Payment(null, null, 1), of("api")));
        assertEquals(0, runs.get());
    }

    @Test
    void compositeKeys_areUnambiguous() {
        Function<Payment, String> key = IdempotencyKeys.of(Payment::customer, Payment::paymentId);
        assertNotEquals(key.apply(new Payment("a:b", "c", 1)), key.apply(new Payment("a", "b:c", 1)));
        assertNotEquals(key.apply(new Payment(null, "x", 1)), key.apply(new Payment("null", "x", 1)), "missing is not the text null");
        assertNull(IdempotencyKeys.<Payment>allOf(Payment::customer, Payment::paymentId).apply(new Payment("a", null, 1)));
        assertNull(IdempotencyKeys.<Optional<String>>of(o -> o).apply(Optional.empty()));
        assertThrows(IllegalArgumentException.class, IdempotencyKeys::of);
    }

    @Test
    void jsonPointerKeys_treatMissingAndNullAsMissing() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Function<JsonNode, String> key = JsonIdempotencyKeys.pointers("/customer/id", "/order/id");
        assertNull(key.apply(mapper.readTree("{\"customer\":{\"id\":null}}")));
        assertNull(key.apply(mapper.readTree("{}")));
        assertEquals(key.apply(mapper.readTree("{\"customer\":{\"id\":\"c\"},\"order\":{\"id\":7}}")),
                key.apply(mapper.readTree("{\"order\":{\"id\":\"7\"},\"customer\":{\"id\":\"c\"},\"other\":1}")));
        assertThrows(IllegalArgumentException.class, () -> JsonIdempotencyKeys.pointers("order.id"));
    }

    record Response(int status, String body) {
    }

    @Test
    void storeResultIf_false_releasesTheKey_soTheCorrectedRequestRuns() {
        AtomicInteger calls = new AtomicInteger();
        Handler<Payment, Response> api = (p, inv) -> {
            calls.incrementAndGet();
            return p.amount() <= 0 ? new Response(400, "amount must be positive") : new Response(201, "created");
        };
        Handler<Payment, Response> h = Decorators.decorate(api, Idempotency.of(store,
                IdempotencyConfig.<Payment, Response>builder("payments", Payment::paymentId, new ResponseCodec())
                        .storeResultIf(r -> r.status() < 400).build()));
        assertEquals(400, h.handle(new Payment("c", "p-1", 0), of("api")).status());
        assertEquals(201, h.handle(new Payment("c", "p-1", 5), of("api")).status(), "the 400 was not replayed");
        assertEquals(201, h.handle(new Payment("c", "p-1", 5), of("api")).status());
        assertEquals(2, calls.get(), "the 201 was kept and replayed");
    }

    @Test
    void responseHook_appliesToReplaysOnly() {
        Handler<Payment, String> h = Decorators.decorate(pay, Idempotency.of(store,
                config().responseHook((result, record) -> result + " (replayed, " + record.status() + ")").build()));
        Payment p = new Payment("c", "p-1", 1);
        assertEquals("paid-p-1-1", h.handle(p, of("api")));
        assertEquals("paid-p-1-1 (replayed, COMPLETED)", h.handle(p, of("api")));
    }

    @Test
    void aConfigWithoutResult_keepsTheKey_andReplaysNothing() {
        AtomicInteger sent = new AtomicInteger();
        Handler<Payment, Void> notify = (p, inv) -> {
            sent.incrementAndGet();
            return null;
        };
        Handler<Payment, Void> h = Decorators.decorate(notify, Idempotency.of(store,
                IdempotencyConfig.<Payment, Void>builderWithoutResult("notify", Payment::paymentId).build()));
        assertNull(h.handle(new Payment("c", "p-1", 1), of("api")));
        assertNull(h.handle(new Payment("c", "p-1", 1), of("api")));
        assertEquals(1, sent.get());
    }

    @Test
    void configNames_withAColon_areRefused_andTheMessageListsTheCharactersAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdempotencyConfig.builder("orders:v2", Payment::paymentId, Codecs.utf8()));
        assertEquals("idempotency name must be 1 to 64 of A-Z a-z 0-9 . _ -, not 'orders:v2'", e.getMessage());
    }

    /** A small codec for the test's response record. */
    private static final class ResponseCodec implements io.github.serverlesspatterns.core.Codec<Response> {
        @Override
        public byte[] encode(Response value) {
            return (value.status() + "\n" + value.body()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public Response decode(byte[] bytes) {
            String[] parts = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n", 2);
            return new Response(Integer.parseInt(parts[0]), parts[1]);
        }
    }

    @Test
    void afterARestore_theLocalCacheIsDropped_andRepeatsAskTheStoreAgain() {
        IdempotencyTest.CountingStore counting = new IdempotencyTest.CountingStore(store);
        Idempotency<Payment, String> idempotency = Idempotency.of(counting, config().localCache(10).build());
        Handler<Payment, String> h = Decorators.decorate(pay, idempotency);
        Payment p = new Payment("c", "p-1", 1);
        h.handle(p, of("api"));
        h.handle(p, of("api"));
        int beforeRestore = counting.calls.get();
        h.handle(p, of("api"));
        assertEquals(beforeRestore, counting.calls.get(), "a repeat is answered by the local cache");
        idempotency.afterRestore();
        assertEquals("paid-p-1-1", h.handle(p, of("api")));
        assertEquals(beforeRestore + 1, counting.calls.get(), "after the restore the cache from the snapshot is gone");
    }
}
