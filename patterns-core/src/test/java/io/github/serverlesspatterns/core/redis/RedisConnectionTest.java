package io.github.serverlesspatterns.core.redis;

import io.github.serverlesspatterns.core.PatternsException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a server that accepts connections and never answers, as a frozen Redis (SIGSTOP) does. */
class RedisConnectionTest {

    @Test
    void aConnectToAFrozenServer_endsWithinTheTimeout_notTheClientsMinute_andTheNextCallFailsAtOnce() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket frozen = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                while (!frozen.isClosed()) {
                    try {
                        held.add(frozen.accept()); // accepted, never answered
                        accepted.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + frozen.getLocalPort());
            try (RedisConnection<String, String> connection = new RedisConnection<>(client, StringCodec.UTF8, Duration.ofMillis(500),
                    "test store", c -> { })) {
                // the bound is 10 s (the connect minimum, over the part's 500 ms); without it Lettuce waits its own 60 s
                long[] failedAt = new long[1];
                PatternsException e = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
                    PatternsException first = assertThrows(PatternsException.class, connection::commands);
                    failedAt[0] = System.nanoTime();
                    return first;
                });
                assertTrue(e.getMessage().contains("test store: no Redis connection within 10000 ms"), e.getMessage());
                int afterFirst = accepted.get();
                long sinceFailure = System.nanoTime() - failedAt[0];
                PatternsException again = assertThrows(PatternsException.class, connection::commands);
                if (sinceFailure < Duration.ofSeconds(8).toNanos()) { // asked inside the 10 s window (decided before asking)
                    assertTrue(again.getMessage().contains("could not be reached a moment ago"), again.getMessage());
                    assertEquals(afterFirst, accepted.get(), "the next call did not open another connection");
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
