package io.github.serverlesspatterns.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A real Redis server (embedded-redis bundles redis-server 6.2.6 for linux-amd64) on a free port
 * of 127.0.0.1, or an external one. It can be stopped and started again on the same port, to
 * test how code behaves while Redis is down. Thread-safe.
 */
public final class RedisService implements AutoCloseable {

    private final RedisURI uri;
    private final RedisServer server;
    private final RedisClient client;

    private RedisService(RedisURI uri, RedisServer server) {
        this.uri = uri;
        this.server = server;
        this.client = RedisClient.create(uri);
    }

    /**
     * Starts an embedded Redis server on a free port and waits until it accepts connections.
     *
     * @return the running service
     */
    public static RedisService start() {
        int port = Ports.free();
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
            Ports.await("redis on port " + port, Duration.ofSeconds(30), () -> Ports.accepting(port));
            return new RedisService(RedisURI.builder().withHost("127.0.0.1").withPort(port).build(), server);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded redis failed to start on port " + port, e);
        }
    }

    /**
     * Uses a Redis server that runs elsewhere; {@link #close()} then stops nothing.
     *
     * @param uri for example {@code redis://127.0.0.1:6379}
     * @return the service
     */
    public static RedisService external(String uri) {
        return new RedisService(RedisURI.create(Objects.requireNonNull(uri, "uri")), null);
    }

    /** @return the server's URI */
    public RedisURI uri() {
        return uri;
    }

    /** @return the server's port */
    public int port() {
        return uri.getPort();
    }

    /** @return a shared Lettuce client for this server (shut down by {@link #close()}) */
    public RedisClient client() {
        return client;
    }

    /**
     * Stops the server, keeping its port, so that {@link #restart()} brings it back at the same
     * address. Clients see connection errors meanwhile.
     *
     * @throws IllegalStateException for an external server
     */
    public void stop() {
        requireEmbedded();
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping redis on port " + port(), e);
        }
    }

    /**
     * Starts a stopped server again on the same port (empty: nothing is persisted).
     *
     * @throws IllegalStateException for an external server
     */
    public void restart() {
        requireEmbedded();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("restarting redis on port " + port(), e);
        }
        Ports.await("redis on port " + port(), Duration.ofSeconds(30), () -> Ports.accepting(port()));
    }

    private void requireEmbedded() {
        if (server == null) {
            throw new IllegalStateException("redis at " + uri + " is external: the kit cannot stop or start it");
        }
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (server != null && server.isActive()) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException("stopping redis on port " + port(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "RedisService{" + (server != null ? "embedded " : "external ") + uri + '}';
    }
}
