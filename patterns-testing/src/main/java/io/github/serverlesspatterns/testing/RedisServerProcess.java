package io.github.serverlesspatterns.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One redis-server (or valkey-server) child process on 127.0.0.1, persisting nothing
 * ({@code --save '' --appendonly no}), with its log in its own folder. It can be frozen
 * ({@code SIGSTOP}: the port still accepts connections, nothing is answered, as a stalled
 * ElastiCache node), thawed, stopped and started again empty on the same port. Thread-safe.
 */
final class RedisServerProcess implements AutoCloseable {

    private final Path binary;
    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process process;

    /**
     * @param binary the server binary
     * @param port   the port it accepts connections on (the TLS port, when {@code args} set one)
     * @param dir    its working folder (log, cluster file)
     * @param args   arguments after the defaults
     */
    RedisServerProcess(Path binary, int port, Path dir, List<String> args) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.args = List.copyOf(args);
    }

    /**
     * Starts a server on a port free right now, and again on other ports when it cannot bind: a
     * free port (or a cluster node's bus port, +10000, which is in the range the system hands out
     * for outgoing connections) can be taken between the check and the server's bind. Up to 5 tries;
     * any other failure ends at once.
     *
     * @param clusterNode whether the server also binds the cluster bus port
     * @param onPort      the server for a port (not started)
     * @return the started server
     */
    static RedisServerProcess startOnFreePort(boolean clusterNode, IntFunction<RedisServerProcess> onPort) {
        IllegalStateException bindFailure = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            RedisServerProcess server = onPort.apply(clusterNode ? Ports.freeWithClusterBus() : Ports.free());
            try {
                server.start();
                return server;
            } catch (IllegalStateException e) {
                server.stop();
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
                bindFailure = e;
            }
        }
        throw bindFailure;
    }

    synchronized void start() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--logfile", log().toString()));
        command.addAll(args);
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        Process started = process;
        Ports.await(binary.getFileName() + " on port " + port + " (log: " + log() + ")", Duration.ofSeconds(30), () -> {
            if (!started.isAlive()) {
                throw new IllegalStateException(binary.getFileName() + " on port " + port + " exited with "
                        + started.exitValue() + ": " + tail());
            }
            return Ports.accepting(port);
        });
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    /** Stops the process (SIGSTOP): connections are accepted by the kernel, nothing is answered. */
    synchronized void freeze() {
        signal("STOP");
    }

    /** Lets a frozen process run again (SIGCONT). */
    synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        requireRunning();
        Commands.run(List.of("kill", "-" + name, Long.toString(process.pid())), dir.resolve("kill.txt"));
    }

    /** Ends the process (SIGKILL after SIGCONT, so a frozen one ends too); its data is gone. */
    synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        signal("CONT");
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(binary.getFileName() + " on port " + port + " did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping redis", e);
        }
        Ports.await("port " + port + " to be free", Duration.ofSeconds(10), () -> !Ports.accepting(port));
    }

    synchronized boolean running() {
        return process != null && process.isAlive();
    }

    private void requireRunning() {
        if (!running()) {
            throw new IllegalStateException(binary.getFileName() + " on port " + port + " is not running");
        }
    }

    private Path log() {
        return dir.resolve("server.log");
    }

    /** @return the end of the server's log, for an error message */
    String tail() {
        try {
            Path file = Files.exists(log()) ? log() : dir.resolve("stdout.txt");
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no log)";
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
