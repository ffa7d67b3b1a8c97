package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.idempotency.IdempotencyStore;
import io.github.serverlesspatterns.idempotency.IdempotencyStoreContract;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServicesExtension.class)
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    private RedisIdempotencyStore store;

    @BeforeEach
    void connect(RedisService redis) {
        store = RedisIdempotencyStore.create(redis.client());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }
}
