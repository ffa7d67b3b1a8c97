package io.github.serverlesspatterns.idempotency.redis;

import io.github.serverlesspatterns.idempotency.IdempotencyStore;
import io.github.serverlesspatterns.idempotency.IdempotencyStoreContract;
import io.github.serverlesspatterns.testing.LocalServices;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisDeployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The store contract on every way ElastiCache runs Redis: Redis 7, Valkey 8, TLS with an ACL user, and a 3-master cluster. */
@ParameterizedClass
@EnumSource(RedisDeployment.class)
@ExtendWith(LocalServicesExtension.class)
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {

    @Parameter
    RedisDeployment deployment;

    private RedisIdempotencyStore store;

    @BeforeEach
    void connect(LocalServices services) {
        store = RedisIdempotencyStore.create(deployment.client(services));
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
