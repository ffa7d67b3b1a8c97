package io.github.serverlesspatterns.circuitbreaker.redis;

import io.github.serverlesspatterns.circuitbreaker.ClusterScenario;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.RedisService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalServicesExtension.class)
class RedisClusterTest {

    @Test
    void fourJvmsTimesEightThreads_sharingRedis_openProbeBackOffAndCloseTogether(RedisService redis) throws Exception {
        try (RedisCircuitStateStore observer = RedisCircuitStateStore.create(redis.client())) {
            ClusterScenario.run("redis", redis.uri().toURI().toString(), "-", observer);
        }
    }
}
