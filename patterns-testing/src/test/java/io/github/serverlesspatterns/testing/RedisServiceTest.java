package io.github.serverlesspatterns.testing;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class RedisServiceTest {

    @Test
    void setNxPx_letsOnlyTheFirstWriterIn_andExpires(RedisService redis) throws InterruptedException {
        try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
            RedisCommands<String, String> commands = connection.sync();
            assertEquals("OK", commands.set("kit-lock", "a", SetArgs.Builder.nx().px(300)));
            assertNull(commands.set("kit-lock", "b", SetArgs.Builder.nx().px(300)), "second SET NX is refused");
            assertEquals("a", commands.get("kit-lock"));
            long ttl = commands.pttl("kit-lock");
            assertTrue(ttl > 0 && ttl <= 300, "pttl " + ttl);
            Thread.sleep(400); // real server expiry: the only way to observe PX is to let it pass
            assertNull(commands.get("kit-lock"));
        }
    }
}
