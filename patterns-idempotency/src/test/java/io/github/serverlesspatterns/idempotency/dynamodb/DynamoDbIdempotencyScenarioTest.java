package io.github.serverlesspatterns.idempotency.dynamodb;

import io.github.serverlesspatterns.core.Codecs;
import io.github.serverlesspatterns.core.Decorators;
import io.github.serverlesspatterns.core.Handler;
import io.github.serverlesspatterns.core.Invocation;
import io.github.serverlesspatterns.idempotency.ConcurrencyChecks;
import io.github.serverlesspatterns.idempotency.Idempotency;
import io.github.serverlesspatterns.idempotency.IdempotencyConfig;
import io.github.serverlesspatterns.idempotency.IdempotencyRecord;
import io.github.serverlesspatterns.idempotency.IdempotencyResultUnavailableException;
import io.github.serverlesspatterns.idempotency.IdempotencyStoreException;
import io.github.serverlesspatterns.testing.AwsClients;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.MotoService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class DynamoDbIdempotencyScenarioTest {

    private static final String TABLE = "idempotency-scenarios";

    /** Counts real SDK calls by operation name. */
    static final class CallCounter implements ExecutionInterceptor {
        final List<String> operations = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            operations.add(context.request().getClass().getSimpleName());
        }
    }

    private MotoService moto;

    @BeforeEach
    void table(MotoService moto) {
        this.moto = moto;
        DynamoDbIdempotencyStore.builder(moto.dynamoDb(), TABLE).build().createTableIfMissing();
    }

    private static Invocation invocation() {
        return Invocation.builder().timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void storeCalls_firstIsTwo_repeatIsOne_repeatWithLocalCacheIsZero() {
        CallCounter counter = new CallCounter();
        try (DynamoDbClient client = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), counter).build()) {
            DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.create(client, TABLE);
            AtomicInteger runs = new AtomicInteger();
            Handler<String, String> handler = Decorators.decorate((in, inv) -> in + "-" + runs.incrementAndGet(),
                    Idempotency.of(store, IdempotencyConfig.<String, String>builder("budget", k -> k, Codecs.utf8()).build()));
            String key = "budget-" + System.nanoTime();

            handler.handle(key, invocation());
            assertEquals(List.of("PutItemRequest", "PutItemRequest"), counter.operations, "first call");
            counter.operations.clear();
            handler.handle(key, invocation());
            assertEquals(List.of("PutItemRequest"), counter.operations, "repeat: the failed conditional put returns the old item");

            Handler<String, String> cached = Decorators.decorate((in, inv) -> in + "-" + runs.incrementAndGet(),
                    Idempotency.of(store, IdempotencyConfig.<String, String>builder("budget-cached", k -> k, Codecs.utf8())
                            .localCache(100).build()));
            cached.handle(key, invocation());
            counter.operations.clear();
            cached.handle(key, invocation());
            assertEquals(List.of(), counter.operations, "repeat with the local cache");
            assertEquals(2, runs.get());
        }
    }

    @Test
    void resultTooLargeForAnItem_isReturned_andTheKeyStaysProtectedAsUnreplayable() {
        DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder(moto.dynamoDb(), TABLE).build();
        Idempotency<String, String> idempotency = Idempotency.of(store,
                IdempotencyConfig.<String, String>builder("big", k -> k, Codecs.utf8()).build());
        AtomicInteger runs = new AtomicInteger();
        Handler<String, String> handler = Decorators.decorate((in, inv) -> {
            runs.incrementAndGet();
            return "x".repeat(401 * 1024);
        }, idempotency);
        String key = "big-" + System.nanoTime();

        assertEquals(401 * 1024, handler.handle(key, invocation()).length(), "the first caller gets its result");
        assertEquals(IdempotencyRecord.Status.UNREPLAYABLE, store.get(idempotency.storedKey(key, invocation())).orElseThrow().status(),
                "not stuck IN_PROGRESS, not released either");
        IdempotencyResultUnavailableException e = assertThrows(IdempotencyResultUnavailableException.class,
                () -> handler.handle(key, invocation()));
        assertTrue(e.getMessage().contains("too large for the store"), e.getMessage());
        assertEquals(1, runs.get(), "the retry did not run the effect again");
    }

    @Test
    void storeDown_raisesAClearErrorNamingTheTable_andTheHandlerDoesNotRun() {
        try (DynamoDbClient dead = AwsClients.configure(DynamoDbClient.builder(), URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(r -> r.maxAttempts(1)))
                .build()) {
            AtomicInteger runs = new AtomicInteger();
            Handler<String, String> handler = Decorators.decorate((in, inv) -> "ran-" + runs.incrementAndGet(),
                    Idempotency.of(DynamoDbIdempotencyStore.create(dead, TABLE),
                            IdempotencyConfig.<String, String>builder("down", k -> k, Codecs.utf8()).build()));
            IdempotencyStoreException e = assertThrows(IdempotencyStoreException.class, () -> handler.handle("k", invocation()));
            assertTrue(e.getMessage().contains("DynamoDB table " + TABLE + " failed on claim for key down#"), e.getMessage());
            assertEquals(0, runs.get());
        }
    }

    @Test
    void sixtyFourThreads_oneKey_runTheHandlerExactlyOnce() throws Exception {
        ConcurrencyChecks.assertExactlyOnce(DynamoDbIdempotencyStore.builder(moto.dynamoDb(), TABLE).build(), 64);
    }

    @Test
    void fourJvms_sharingMotoDynamoDb_runTheHandlerExactlyOnce() throws Exception {
        ConcurrencyChecks.assertExactlyOnceAcrossJvms("dynamodb", moto.endpoint().toString(), TABLE, 4, 8);
    }

    @Test
    void prime_makesOneReadOnlyGetItem_andTheDecoratorPrimesItsStore() {
        CallCounter counter = new CallCounter();
        try (DynamoDbClient client = AwsClients.configure(DynamoDbClient.builder(), moto.endpoint(), counter).build()) {
            DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.create(client, TABLE);
            int before = moto.dynamoDb().scan(b -> b.tableName(TABLE)).count();
            Idempotency.of(store, IdempotencyConfig.<String, String>builder("prime", k -> k, Codecs.utf8()).build()).prime();
            assertEquals(List.of("GetItemRequest"), counter.operations);
            assertEquals(before, moto.dynamoDb().scan(b -> b.tableName(TABLE)).count(), "priming wrote an item");
        }
    }

    @Test
    void prime_whenTheStoreIsDown_namesTheTable() {
        try (DynamoDbClient dead = AwsClients.configure(DynamoDbClient.builder(), URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5)).retryStrategy(r -> r.maxAttempts(1))).build()) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> io.github.serverlesspatterns.core.Primeable.primeAll(DynamoDbIdempotencyStore.create(dead, TABLE)));
            assertTrue(e.getMessage().contains(TABLE), e.getMessage());
        }
    }
}
