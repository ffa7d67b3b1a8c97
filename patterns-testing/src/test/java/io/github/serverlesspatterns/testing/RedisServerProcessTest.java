package io.github.serverlesspatterns.testing;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting a server survives a port taken between the check and the bind (seen in CI: a cluster node's bus port). */
class RedisServerProcessTest {

    @Test
    void aClusterNodeWhoseBusPortIsTaken_startsAgainOnOtherPorts() throws Exception {
        Path binary = RedisBinaries.redisServer();
        int taken = Ports.freeWithClusterBus();
        List<Integer> tried = new ArrayList<>();
        try (ServerSocket busSquatter = new ServerSocket()) {
            busSquatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken + 10_000), 1);
            RedisServerProcess node = RedisServerProcess.startOnFreePort(true, port -> {
                int p = tried.isEmpty() ? taken : port; // the first try gets the port whose bus port is taken
                tried.add(p);
                return new RedisServerProcess(binary, p, RedisService.folder("redis-retry-" + p),
                        List.of("--port", Integer.toString(p), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
            });
            try {
                assertEquals(2, tried.size(), "one failed bind, one start: " + tried);
                assertEquals(taken, tried.get(0));
                assertNotEquals(taken, node.port());
                assertTrue(node.running());
                assertTrue(Ports.accepting(node.port()));
            } finally {
                node.stop();
            }
        }
    }
}
