package io.github.serverlesspatterns.core.redis;

import io.github.serverlesspatterns.core.PatternsException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The one place the library opens a Redis connection (the idempotency store, the circuit state
 * store and the cache use it): one connection per part, opened lazily from the caller's Lettuce
 * client, with the part's command timeout, and
 * <ul>
 *   <li><b>connect bounded</b> by the part's timeout, or {@link #MIN_CONNECT_TIMEOUT} if that is
 *       longer (a first connect in a JVM also starts Lettuce's event loops): a frozen or unreachable
 *       server makes the call fail then, not after the client's own connect and command timeouts
 *       (10 s and 60 s by default); a connection that completes after the caller gave up is
 *       closed, and for as long again later calls fail at once instead of each waiting in turn;</li>
 *   <li><b>no leak on reconnect</b>: a connection that is no longer open is closed before a new
 *       one replaces it, so a server restart never leaves the old one reconnecting in the
 *       background (the three copies of this code before it each leaked one that way).</li>
 * </ul>
 * Thread-safe; {@link #close()} closes the connection, never the client.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class RedisConnection<K, V> implements AutoCloseable {

    /** The shortest bound of a connect: 10 seconds (a first connect on a loaded machine, or a cold JVM, can take seconds). */
    public static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final ExecutorService CONNECTS = io.github.serverlesspatterns.core.ParallelRuns.daemonPool("redis-connect");

    private final RedisClient client;
    private final RedisCodec<K, V> codec;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final String describe;
    private final Consumer<StatefulRedisConnection<K, V>> onOpen;
    private volatile StatefulRedisConnection<K, V> connection;
    /** After a failed connect, callers fail at once until then instead of each waiting out a timeout in turn. */
    private volatile long noRetryBefore = System.nanoTime();

    /**
     * @param client   the caller's Lettuce client (never shut down here)
     * @param codec    the connection's codec
     * @param timeout  command timeout, and the bound of a connect
     * @param describe names the part in errors, e.g. {@code Redis idempotency store}
     * @param onOpen   runs once on each new connection (e.g. to subscribe); may be a no-op
     */
    public RedisConnection(RedisClient client, RedisCodec<K, V> codec, Duration timeout, String describe,
                           Consumer<StatefulRedisConnection<K, V>> onOpen) {
        this.client = Objects.requireNonNull(client, "client");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.connectTimeout = timeout.compareTo(MIN_CONNECT_TIMEOUT) < 0 ? MIN_CONNECT_TIMEOUT : timeout;
        this.describe = Objects.requireNonNull(describe, "describe");
        this.onOpen = Objects.requireNonNull(onOpen, "onOpen");
    }

    /**
     * @return the open connection, opened (or replaced, if it closed) now when needed
     * @throws PatternsException naming the part when no connection could be made within the timeout
     */
    public StatefulRedisConnection<K, V> get() {
        StatefulRedisConnection<K, V> c = connection;
        if (c != null && c.isOpen()) {
            return c; // the hot path: no lock
        }
        return reopen();
    }

    private synchronized StatefulRedisConnection<K, V> reopen() {
        StatefulRedisConnection<K, V> c = connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        if (System.nanoTime() - noRetryBefore < 0) {
            throw new PatternsException(describe + ": Redis could not be reached a moment ago; trying again within "
                    + connectTimeout.toMillis() + " ms");
        }
        if (c != null) {
            c.close(); // a dead connection is closed before another replaces it: no connection reconnects unseen
            connection = null;
        }
        try {
            c = open();
        } catch (PatternsException e) {
            noRetryBefore = System.nanoTime() + connectTimeout.toNanos();
            throw e;
        }
        c.setTimeout(timeout);
        onOpen.accept(c);
        connection = c;
        return c;
    }

    private StatefulRedisConnection<K, V> open() {
        CompletableFuture<StatefulRedisConnection<K, V>> connecting =
                CompletableFuture.supplyAsync(() -> client.connect(codec), CONNECTS);
        try {
            return connecting.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connecting.thenAccept(StatefulRedisConnection::close); // one that completes late is not kept
            throw new PatternsException(describe + ": no Redis connection within " + connectTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new PatternsException(describe + ": cannot connect to Redis: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PatternsException(describe + ": interrupted while connecting to Redis", e);
        }
    }

    /** Closes the connection (not the client); the next {@link #get()} opens a new one. */
    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
