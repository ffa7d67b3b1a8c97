package io.github.serverlesspatterns.cache.redis;

import io.github.serverlesspatterns.cache.CacheStore;
import io.github.serverlesspatterns.cache.CacheStoreContract;
import io.github.serverlesspatterns.testing.LocalServices;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisDeployment;
import io.lettuce.core.AbstractRedisClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The store contract on every way ElastiCache runs Redis (Redis 7, Valkey 8, TLS with an ACL user,
 * a three-master cluster), each a real server; expiry is the server's own, so time passes for real.
 */
@ParameterizedClass
@EnumSource(RedisDeployment.class)
@ExtendWith(LocalServicesExtension.class)
class RedisCacheStoreTest extends CacheStoreContract {

    @Parameter
    RedisDeployment deployment;

    private LocalServices services;
    private final List<AbstractRedisClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp(LocalServices services) {
        this.services = services;
    }

    @Override
    protected CacheStore newStore() {
        return RedisCacheStore.create(deployment.client(services));
    }

    @Override
    protected CacheStore otherInstance() {
        AbstractRedisClient other = deployment.newClient(services); // another Lambda instance has a client of its own
        clients.add(other);
        return RedisCacheStore.create(other);
    }

    @Override
    protected void passTime(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis()); // the server's expiry: the only way to observe PX is to let it pass
    }

    @Override
    protected void afterStoresClosed() {
        clients.forEach(AbstractRedisClient::shutdown);
    }
}
