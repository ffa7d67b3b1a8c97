package io.github.serverlesspatterns.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class RedisServiceTest {

    @Test
    void setNxPx_letsOnlyTheFirstWriterIn_andExpires(RedisService redis) throws InterruptedException {
        try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
            RedisCommands<String, String> commands = connection.sync();
            assertTrue(commands.info("server").contains("redis_version:7."), "Debian's Redis 7, not the embedded 6.2");
            assertEquals("OK", commands.set("kit-lock", "a", SetArgs.Builder.nx().px(300)));
            assertNull(commands.set("kit-lock", "b", SetArgs.Builder.nx().px(300)), "second SET NX is refused");
            assertEquals("a", commands.get("kit-lock"));
            long ttl = commands.pttl("kit-lock");
            assertTrue(ttl > 0 && ttl <= 300, "pttl " + ttl);
            Thread.sleep(400); // real server expiry: the only way to observe PX is to let it pass
            assertNull(commands.get("kit-lock"));
        }
    }

    @Test
    void valkey_isValkey8(LocalServices services) {
        try (StatefulRedisConnection<String, String> connection = services.valkey().client().connect()) {
            assertTrue(connection.sync().info("server").contains("valkey_version:8."), connection.sync().info("server"));
        }
    }

    @Test
    void secured_speaksTlsOnly_andRefusesTheDefaultUserAndAWrongPassword(LocalServices services) {
        RedisService secured = services.securedRedis();
        try (StatefulRedisConnection<String, String> connection = secured.client().connect()) {
            assertEquals("app", connection.sync().aclWhoami());
        }
        RedisClient plain = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(secured.port())
                .withTimeout(Duration.ofSeconds(2)).build());
        RedisClient wrongPassword = secured.clientFor(RedisURI.builder(secured.uri())
                .withAuthentication(RedisService.USER, "wrong".toCharArray()).build());
        try {
            assertThrows(RedisConnectionException.class, plain::connect, "no plain-text connections");
            RedisConnectionException e = assertThrows(RedisConnectionException.class, wrongPassword::connect);
            assertTrue(rootMessage(e).contains("WRONGPASS"), rootMessage(e));
        } finally {
            plain.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            wrongPassword.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void cluster_spreadsKeysOverThreeNodes_andANodeClientIsAnsweredMoved(RedisClusterService cluster) {
        try (StatefulRedisClusterConnection<String, String> connection = cluster.client().connect()) {
            Set<String> nodes = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                connection.sync().set("kit-spread-" + i, "v");
                nodes.add(connection.sync().clusterKeyslot("kit-spread-" + i) < 5461 ? "first"
                        : connection.sync().clusterKeyslot("kit-spread-" + i) < 10923 ? "second" : "third");
            }
            assertEquals(3, nodes.size(), "30 keys land on all three nodes");
        }
        RedisClient node = RedisClient.create(cluster.nodes().get(0));
        try (StatefulRedisConnection<String, String> connection = node.connect()) {
            int moved = 0;
            for (int i = 0; i < 30; i++) {
                try {
                    connection.sync().get("kit-spread-" + i);
                } catch (RedisCommandExecutionException e) {
                    assertTrue(e.getMessage().startsWith("MOVED"), e.getMessage());
                    moved++;
                }
            }
            assertTrue(moved > 0 && moved < 30, "a node answers its own keys and MOVED for the others: " + moved);
        } finally {
            node.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void freeze_holdsEveryCommandUntilThaw_andRestart_comesBackEmpty(LocalServices services) {
        try (RedisService own = RedisService.start()) {
            RedisClient client = own.client();
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().set("kept?", "yes");
                connection.setTimeout(Duration.ofMillis(300));
                own.freeze();
                try {
                    assertThrows(io.lettuce.core.RedisCommandTimeoutException.class, () -> connection.sync().get("kept?"));
                } finally {
                    own.thaw();
                }
                connection.setTimeout(Duration.ofSeconds(5));
                assertEquals("yes", connection.sync().get("kept?"), "a frozen server loses nothing");
            }
            own.stop();
            own.restart();
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertNull(connection.sync().get("kept?"), "a restarted server is empty");
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder all = new StringBuilder();
        while (t != null) {
            all.append(t.getMessage()).append(" / ");
            t = t.getCause();
        }
        return all.toString();
    }
}
