package io.github.serverlesspatterns.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import io.github.serverlesspatterns.core.Ticker;
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
            AtomicLong now = new AtomicLong(); // the connection's time, moved by the test (core cannot use the kit's ManualTicker)
            Ticker ticker = new Ticker() {
                @Override
                public long nanoTime() {
                    return now.get();
                }

                @Override
                public void sleep(long nanos) {
                    now.addAndGet(nanos);
                }
            };
            try (RedisConnection<String, String> connection = new RedisConnection<>(client, StringCodec.UTF8, Duration.ofMillis(500),
                    "test store", c -> { }, ticker)) {
                // the bound is 10 s (the connect minimum, over the part's 500 ms); without it Lettuce waits its own 60 s
                PatternsException e = assertTimeoutPreemptively(Duration.ofSeconds(40),
                        () -> assertThrows(PatternsException.class, connection::commands));
                assertTrue(e.getMessage().contains("test store: no Redis connection within 10000 ms"), e.getMessage());
                int afterFirst = accepted.get();
                now.addAndGet(Duration.ofMillis(9_999).toNanos()); // still inside the 10 s window, on the connection's ticker
                PatternsException again = assertThrows(PatternsException.class, connection::commands);
                assertTrue(again.getMessage().contains("could not be reached a moment ago"), again.getMessage());
                assertEquals(afterFirst, accepted.get(), "the next call did not open another connection");
                now.addAndGet(Duration.ofMillis(1).toNanos()); // the window is over: the next call tries to connect again
                PatternsException retried = assertTimeoutPreemptively(Duration.ofSeconds(40),
                        () -> assertThrows(PatternsException.class, connection::commands));
                assertTrue(retried.getMessage().contains("no Redis connection within 10000 ms"), retried.getMessage());
                assertTrue(accepted.get() > afterFirst, "after the window a call opens a connection again");
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
