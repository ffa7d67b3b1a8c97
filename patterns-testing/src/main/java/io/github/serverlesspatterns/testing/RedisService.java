package io.github.serverlesspatterns.testing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A real Redis server on a free port of 127.0.0.1 — Debian's Redis 7 ({@link #start()}), Valkey 8
 * ({@link #valkey()}), or Redis 7 with TLS and an ACL user ({@link #secured()}), the ways
 * ElastiCache runs it — or an external one. Faults for tests: {@link #freeze()} / {@link #thaw()}
 * (SIGSTOP/SIGCONT: connections are accepted and never answered), {@link #stop()} /
 * {@link #restart()} (killed, then back on the same port empty, as after a node replacement),
 * {@link #limitMemory(String, String)} ({@code maxmemory} and its eviction policy). See
 * {@link RedisClusterService} for cluster mode. Thread-safe.
 */
public final class RedisService implements AutoCloseable {

    /** The ACL user of {@link #secured()}. */
    public static final String USER = "app";

    private final String kind;
    private final RedisURI uri;
    private final RedisServerProcess server;
    private final ClientOptions options;
    private final String password;
    private final RedisClient client;

    private RedisService(String kind, RedisURI uri, RedisServerProcess server, ClientOptions options, String password) {
        this.kind = kind;
        this.password = password;
        this.uri = uri;
        this.server = server;
        this.options = options;
        this.client = clientFor(uri);
    }

    /**
     * Starts Debian's Redis 7 ({@code redis-server}) and waits until it accepts connections.
     *
     * @return the running service
     * @throws IllegalStateException with the install command when {@code redis-server} is missing
     */
    public static RedisService start() {
        return standalone("Redis 7", RedisBinaries.redisServer());
    }

    /**
     * Starts Valkey 8 ({@code valkey-server}), the engine ElastiCache offers beside Redis OSS.
     *
     * @return the running service
     * @throws IllegalStateException with the install command when {@code valkey-server} is missing
     */
    public static RedisService valkey() {
        return standalone("Valkey 8", RedisBinaries.valkeyServer());
    }

    private static RedisService standalone(String kind, Path binary) {
        RedisServerProcess server = RedisServerProcess.startOnFreePort(false,
                port -> new RedisServerProcess(binary, port, folder("redis-" + port), List.of("--port", Integer.toString(port))));
        return new RedisService(kind, RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).build(), server,
                ClientOptions.create(), "");
    }

    /**
     * Starts Redis 7 with TLS only (a certificate for 127.0.0.1 made for the run with
     * {@code openssl}) and the default user switched off: clients must authenticate as
     * {@value #USER} with {@link #password()}, as on ElastiCache with in-transit encryption and
     * RBAC. {@link #client()} trusts the certificate and verifies the host.
     *
     * @return the running service
     */
    public static RedisService secured() {
        int port = Ports.free();
        Path dir = folder("redis-tls-" + port);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString());
        String password = UUID.randomUUID().toString();
        List<String> args = new ArrayList<>(List.of("--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(),
                "--tls-auth-clients", "no",
                "--user", USER, "on", ">" + password, "~*", "&*", "+@all",
                "--user", "default", "off"));
        RedisServerProcess server = new RedisServerProcess(RedisBinaries.redisServer(), port, dir, args);
        server.start();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withSsl(true).withVerifyPeer(true)
                .withAuthentication(USER, password.toCharArray()).build();
        ClientOptions options = ClientOptions.builder()
                .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(cert.toFile()).build()).build();
        return new RedisService("Redis 7 (TLS, ACL user " + USER + ")", uri, server, options, password);
    }

    /**
     * Uses a Redis server that runs elsewhere; {@link #close()} then stops nothing, and the fault
     * methods throw.
     *
     * @param uri for example {@code redis://127.0.0.1:6379}
     * @return the service
     */
    public static RedisService external(String uri) {
        return new RedisService("external", RedisURI.create(Objects.requireNonNull(uri, "uri")), null, ClientOptions.create(), "");
    }

    /** @return the server's URI (with the user and password of {@link #secured()}) */
    public RedisURI uri() {
        return uri;
    }

    /** @return the server's port */
    public int port() {
        return uri.getPort();
    }

    /** @return the password of {@value #USER}, for {@link #secured()}; empty otherwise */
    public String password() {
        return password;
    }

    /** @return a shared Lettuce client for this server (shut down by {@link #close()}) */
    public RedisClient client() {
        return client;
    }

    /**
     * A new client for another URI of this server (e.g. a wrong password), with this server's
     * client options (the TLS trust of {@link #secured()}); the caller shuts it down.
     *
     * @param other the URI
     * @return the client
     */
    public RedisClient clientFor(RedisURI other) {
        RedisClient c = RedisClient.create(other);
        c.setOptions(options);
        return c;
    }

    /**
     * Kills the server, keeping its port, so that {@link #restart()} brings it back at the same
     * address. Clients see connection errors meanwhile.
     *
     * @throws IllegalStateException for an external server
     */
    public void stop() {
        requireOwn().stop();
    }

    /**
     * Starts a stopped server again on the same port, empty (nothing is persisted), as a replaced
     * node comes back.
     *
     * @throws IllegalStateException for an external server
     */
    public void restart() {
        requireOwn().start();
    }

    /**
     * Freezes the server (SIGSTOP): it accepts connections and answers nothing until {@link #thaw()}.
     *
     * @throws IllegalStateException for an external server
     */
    public void freeze() {
        requireOwn().freeze();
    }

    /** Lets a frozen server answer again (SIGCONT). */
    public void thaw() {
        requireOwn().thaw();
    }

    /**
     * Sets {@code maxmemory} and {@code maxmemory-policy} ({@code CONFIG SET}).
     *
     * @param maxmemory for example {@code 2mb}
     * @param policy    for example {@code noeviction} or {@code volatile-lru} (ElastiCache's default)
     */
    public void limitMemory(String maxmemory, String policy) {
        try (var c = client.connect()) {
            c.sync().configSet("maxmemory", maxmemory);
            c.sync().configSet("maxmemory-policy", policy);
        }
    }

    private RedisServerProcess requireOwn() {
        if (server == null) {
            throw new IllegalStateException("redis at " + uri + " is external: the kit cannot stop, freeze or start it");
        }
        return server;
    }

    /** @return the server's log (the last 2,000 characters), for a failure message */
    public String logTail() {
        return server == null ? "(external)" : server.tail();
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "RedisService{" + kind + " at " + uri.getHost() + ":" + uri.getPort() + '}';
    }

    static Path folder(String name) {
        try {
            return Files.createTempDirectory("serverless-patterns-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary folder for " + name, e);
        }
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Commands.run(command, dir.resolve("openssl.txt"));
    }
}
