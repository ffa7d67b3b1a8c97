package io.github.serverlesspatterns.circuitbreaker.redis;

import io.github.serverlesspatterns.circuitbreaker.CircuitStateStore;
import io.github.serverlesspatterns.circuitbreaker.CircuitStateStoreContract;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServicesExtension.class)
class RedisCircuitStateStoreTest extends CircuitStateStoreContract {

    private RedisCircuitStateStore store;

    @BeforeEach
    void connect(RedisService redis) {
        store = RedisCircuitStateStore.create(redis.client());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    protected CircuitStateStore store() {
        return store;
    }
}
