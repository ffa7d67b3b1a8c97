package io.github.serverlesspatterns.core.internal;

import io.github.serverlesspatterns.core.Ticker;
import io.github.serverlesspatterns.core.PatternsException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one place the library opens a Redis connection (the idempotency store, the circuit state
 * store and the cache use it): one connection per part, opened lazily from the caller's Lettuce
 * client — a standalone {@link RedisClient} (TLS and AUTH come with its {@code RedisURI}) or a
 * {@link RedisClusterClient} (cluster mode, ElastiCache Serverless) — with the part's command timeout, and
 * <ul>
 *   <li><b>connect bounded</b> by the longer of the part's timeout and the client's own connect
 *       timeout ({@code SocketOptions.connectTimeout}, 10 s unless you set it): a frozen server
 *       accepts the TCP connection and never answers the handshake, which Lettuce would otherwise
 *       wait out with its 60 s command timeout; a connection that completes after the caller gave
 *       up is closed, and for as long again later calls fail at once instead of each waiting in turn;</li>
 *   <li><b>no leak on reconnect</b>: a connection that is no longer open is closed before a new
 *       one replaces it, so a server restart never leaves the old one reconnecting in the
 *       background (the three copies of this code before it each leaked one that way);</li>
 *   <li><b>errors that say what is wrong</b>: the innermost cause's message ({@code WRONGPASS
 *       invalid username-password pair}, a TLS handshake failure) is in the exception's message,
 *       not only Lettuce's "Unable to connect".</li>
 * </ul>
 * Commands go through {@link #commands()}, the interface standalone and cluster connections share:
 * on a cluster each command is routed to its key's node, and multi-key reads such as {@code MGET}
 * are split by hash slot by Lettuce. Thread-safe; {@link #close()} closes the connection, never the client.
 *
 * <p>Not API: a building block of the library's modules, which may change in any release.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class RedisConnection<K, V> implements AutoCloseable {

    private static final ExecutorService CONNECTS = ParallelRuns.daemonPool("redis-connect");

    /** An open connection with its synchronous commands (standalone or cluster). */
    private record Open<K, V>(StatefulConnection<K, V> connection, RedisClusterCommands<K, V> commands) {
    }

    private final AbstractRedisClient client;
    private final RedisCodec<K, V> codec;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final String describe;
    private final Consumer<RedisClusterCommands<K, V>> onOpen;
    private volatile Open<K, V> open;
    private final Ticker ticker;
    /** After a failed connect, callers fail at once until then ({@link #ticker} time) instead of each waiting out a timeout in turn. */
    private volatile long noRetryBefore;

    /**
     * @param client   the caller's Lettuce client, a {@link RedisClient} or a {@link RedisClusterClient} (never shut down here)
     * @param codec    the connection's codec
     * @param timeout  command timeout, and the shortest bound of a connect
     * @param describe names the part in errors, e.g. {@code Redis idempotency store}
     * @param onOpen   runs once on each new connection (e.g. to subscribe, or to check the server's settings); may be a no-op
     * @throws IllegalArgumentException for another kind of client
     */
    public RedisConnection(AbstractRedisClient client, RedisCodec<K, V> codec, Duration timeout, String describe,
                           Consumer<RedisClusterCommands<K, V>> onOpen) {
        this(client, codec, timeout, describe, onOpen, Ticker.system());
    }

    /**
     * @param client   the caller's Lettuce client, a {@link RedisClient} or a {@link RedisClusterClient} (never shut down here)
     * @param codec    the connection's codec
     * @param timeout  command timeout, and the shortest bound of a connect
     * @param describe names the part in errors, e.g. {@code Redis idempotency store}
     * @param onOpen   runs once on each new connection (e.g. to subscribe, or to check the server's settings); may be a no-op
     * @param ticker   times the pause after a failed connect, during which calls fail at once (the connect's own
     *                 bound is a real wait on a socket and stays on the system's clock)
     * @throws IllegalArgumentException for another kind of client
     */
    public RedisConnection(AbstractRedisClient client, RedisCodec<K, V> codec, Duration timeout, String describe,
                           Consumer<RedisClusterCommands<K, V>> onOpen, Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.noRetryBefore = ticker.nanoTime();
        this.client = requireSupported(client);
        this.codec = Objects.requireNonNull(codec, "codec");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        Duration clientConnect = clientConnectTimeout(client);
        this.connectTimeout = timeout.compareTo(clientConnect) < 0 ? clientConnect : timeout;
        this.describe = Objects.requireNonNull(describe, "describe");
        this.onOpen = Objects.requireNonNull(onOpen, "onOpen");
    }

    /**
     * @param client a client a store or cache was given
     * @return the client
     * @throws NullPointerException     for null
     * @throws IllegalArgumentException unless it is a {@link RedisClient} or a {@link RedisClusterClient}
     */
    public static AbstractRedisClient requireSupported(AbstractRedisClient client) {
        Objects.requireNonNull(client, "client");
        if (!(client instanceof RedisClient) && !(client instanceof RedisClusterClient)) {
            throw new IllegalArgumentException("client must be a Lettuce RedisClient or RedisClusterClient, not "
                    + client.getClass().getName());
        }
        return client;
    }

    private static Duration clientConnectTimeout(AbstractRedisClient client) {
        ClientOptions options = client.getOptions();
        return options.getSocketOptions().getConnectTimeout();
    }

    /** @return how long a connect may take before it fails: the longer of the part's timeout and the client's connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * @return the synchronous commands of the open connection, opened (or replaced, if it closed)
     *         now when needed; on a cluster they route each key to its node
     * @throws PatternsException naming the part when no connection could be made within {@link #connectTimeout()}
     */
    public RedisClusterCommands<K, V> commands() {
        Open<K, V> o = open;
        if (o != null && o.connection().isOpen()) {
            return o.commands(); // the hot path: no lock
        }
        return reopen().commands();
    }

    private synchronized Open<K, V> reopen() {
        Open<K, V> o = open;
        if (o != null && o.connection().isOpen()) {
            return o;
        }
        if (ticker.nanoTime() - noRetryBefore < 0) {
            throw new PatternsException(describe + ": Redis could not be reached a moment ago; trying again within "
                    + connectTimeout.toMillis() + " ms");
        }
        if (o != null) {
            o.connection().close(); // a dead connection is closed before another replaces it: no connection reconnects unseen
            open = null;
        }
        StatefulConnection<K, V> c;
        try {
            c = bounded(this::connect, StatefulConnection::close);
        } catch (PatternsException e) {
            noRetryBefore = ticker.nanoTime() + connectTimeout.toNanos();
            throw e;
        }
        c.setTimeout(timeout);
        o = new Open<>(c, c instanceof StatefulRedisClusterConnection<K, V> cluster ? cluster.sync()
                : ((StatefulRedisConnection<K, V>) c).sync());
        try {
            onOpen.accept(o.commands());
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        open = o;
        return o;
    }

    private StatefulConnection<K, V> connect() {
        return client instanceof RedisClusterClient cluster ? cluster.connect(codec) : ((RedisClient) client).connect(codec);
    }

    /**
     * Opens a pub/sub connection from the same client, bounded as a connect is (the cache's
     * invalidation subscription). On a cluster, {@code PUBLISH} on any node reaches subscribers on every node.
     *
     * @return the open pub/sub connection; the caller closes it
     * @throws PatternsException naming the part when it could not be opened in time
     */
    public StatefulRedisPubSubConnection<String, String> openPubSub() {
        return bounded(() -> client instanceof RedisClusterClient cluster ? cluster.connectPubSub()
                : ((RedisClient) client).connectPubSub(), StatefulRedisPubSubConnection::close);
    }

    /**
     * Runs a task on the pool connects use, off the caller's path (e.g. a check of the server's
     * settings right after a connect, which the first call need not wait for).
     *
     * @param task what to run; its failures are its own to handle
     */
    static void inBackground(Runnable task) {
        CONNECTS.execute(task);
    }

    /** Runs a connect on the connect pool, waiting at most {@link #connectTimeout()}; one that completes late is closed. */
    private <C> C bounded(Supplier<C> connect, Consumer<C> closeLate) {
        CompletableFuture<C> connecting = CompletableFuture.supplyAsync(connect, CONNECTS);
        try {
            return connecting.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connecting.thenAccept(closeLate); // one that completes late is not kept
            throw new PatternsException(describe + ": no Redis connection within " + connectTimeout.toMillis()
                    + " ms (the longer of the command timeout and the client's SocketOptions connect timeout)", e);
        } catch (ExecutionException e) {
            throw new PatternsException(describe + ": cannot connect to Redis: " + reason(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PatternsException(describe + ": interrupted while connecting to Redis", e);
        }
    }

    /** Lettuce's "Unable to connect to host:port" and, when there is one, the innermost cause (WRONGPASS, a TLS failure). */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = String.valueOf(e.getMessage());
        return root == e || root.getMessage() == null || outer.contains(root.getMessage()) ? outer
                : outer + ": " + root.getMessage();
    }

    /** Closes the connection (not the client); the next {@link #commands()} opens a new one. */
    @Override
    public synchronized void close() {
        if (open != null) {
            open.connection().close();
            open = null;
        }
    }
}
