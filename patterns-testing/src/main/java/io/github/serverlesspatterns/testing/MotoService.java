package io.github.serverlesspatterns.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sns.SnsClient;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB, DynamoDB Streams, SNS and Kinesis on a moto server run as a child process (moto's
 * application served on one thread by {@code python3}; {@code moto_server} or
 * {@code python3 -m moto.server} when that is not possible), or on an external endpoint.
 *
 * <p>moto supports condition expressions, {@code ReturnValuesOnConditionCheckFailure=ALL_OLD},
 * transactions and streams. Do not use it for SQS (it breaks FIFO group order after a visibility
 * timeout): use {@link SqsService}. moto creates tables at once; code meant for real DynamoDB
 * should still wait with the SDK waiter. Thread-safe.
 */
public final class MotoService implements AutoCloseable {

    /** Shown when no moto server can be started. */
    static final String INSTALL_HINT = "moto server is not installed: install it with  pip install \"moto[server]\"  "
            + "(it provides the moto_server command), or point the kit at a running one with "
            + LocalServices.MOTO_ENDPOINT_ENV;

    private final URI endpoint;
    private final Process process;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient dynamoDbStreams;
    private final SnsClient sns;
    private static final String CBOR_PROPERTY = "aws.cborEnabled";

    private final KinesisClient kinesis;

    private MotoService(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
        this.dynamoDb = AwsClients.configure(DynamoDbClient.builder(), endpoint).build();
        this.dynamoDbStreams = AwsClients.configure(DynamoDbStreamsClient.builder(), endpoint).build();
        this.sns = AwsClients.configure(SnsClient.builder(), endpoint).build();
        // moto 5.2.1 answers the SDK's CBOR-encoded Kinesis calls with HTTP 500; JSON works. The SDK reads this
        // JVM-wide setting, so a test JVM that talks to moto's Kinesis uses JSON (unless told otherwise).
        if (System.getProperty(CBOR_PROPERTY) == null) {
            System.setProperty(CBOR_PROPERTY, "false");
        }
        this.kinesis = AwsClients.configure(KinesisClient.builder(), endpoint).build();
    }

    /**
     * Starts a moto server on a free port of 127.0.0.1 and waits until it answers.
     *
     * @return the running service
     * @throws IllegalStateException if moto is not installed (the message says how to install it)
     *                               or does not start within 60 seconds
     */
    public static MotoService start() {
        int port = Ports.free();
        Process process = null;
        List<String> tried = new ArrayList<>();
        for (List<String> command : candidates(port)) {
            tried.add(String.join(" ", command));
            try {
                Path log = Files.createTempFile("moto-server-", ".log");
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (process.waitFor(300, TimeUnit.MILLISECONDS)) {
                    // exited at once: not installed in this interpreter (No module named moto), try the next one
                    process = null;
                    continue;
                }
                break;
            } catch (IOException e) {
                process = null; // command not found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting moto", e);
            }
        }
        if (process == null) {
            throw new IllegalStateException(INSTALL_HINT + " (tried: " + String.join("; ", tried) + ")");
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "moto-server-stop"));
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        try {
            Ports.await("moto server on port " + port, Duration.ofSeconds(60),
                    () -> {
                        if (!started.isAlive()) {
                            throw new IllegalStateException("moto server exited with code " + started.exitValue()
                                    + "; " + INSTALL_HINT);
                        }
                        return answers(endpoint);
                    });
        } catch (RuntimeException e) {
            started.destroyForcibly();
            throw e;
        }
        return new MotoService(endpoint, started);
    }

    /**
     * Uses a moto (or other compatible) endpoint that runs elsewhere; {@link #close()} then stops
     * nothing.
     *
     * @param endpoint the endpoint
     * @return the service
     */
    public static MotoService external(URI endpoint) {
        return new MotoService(Objects.requireNonNull(endpoint, "endpoint"), null);
    }

    /**
     * moto's own server answers on many threads, and its DynamoDB backend then lets two
     * conditional writes on one item both succeed now and then (seen with 64 threads): a race
     * real DynamoDB never has. So the kit serves moto's app on one thread: requests are applied
     * one at a time, as DynamoDB applies writes to an item, while clients still race each other.
     */
    private static final String SERIALIZED = String.join("\n",
            "import sys",
            "from werkzeug.serving import run_simple",
            "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app",
            "run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False, use_reloader=False)");

    private static List<List<String>> candidates(int port) {
        String p = Integer.toString(port);
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("python3", "-c", SERIALIZED, "127.0.0.1", p));
        commands.add(List.of("moto_server", "-H", "127.0.0.1", "-p", p));
        String home = System.getProperty("user.home");
        File shim = new File(home, ".pyenv/shims/moto_server");
        if (shim.canExecute()) {
            commands.add(List.of(shim.getPath(), "-H", "127.0.0.1", "-p", p));
        }
        commands.add(List.of("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", p));
        return commands;
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
            connection.setConnectTimeout(200);
            connection.setReadTimeout(2000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the endpoint to point DynamoDB, Streams, SNS and Kinesis clients at */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a shared DynamoDB client (closed by {@link #close()}) */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** @return a shared DynamoDB Streams client (closed by {@link #close()}) */
    public DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    /** @return a shared SNS client (closed by {@link #close()}) */
    public SnsClient sns() {
        return sns;
    }

    /** @return a shared Kinesis client (closed by {@link #close()}; it speaks JSON, see the {@code aws.cborEnabled} note in the source) */
    public KinesisClient kinesis() {
        return kinesis;
    }

    /** Drops every resource moto holds (tables, topics, streams). */
    public void reset() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/moto-api/reset").toURL().openConnection();
            connection.setRequestMethod("POST");
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status != 200) {
                throw new IllegalStateException("moto reset answered HTTP " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("moto reset failed at " + endpoint, e);
        }
    }

    @Override
    public void close() {
        dynamoDb.close();
        dynamoDbStreams.close();
        sns.close();
        kinesis.close();
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return "MotoService{" + (process != null ? "moto_server " : "external ") + endpoint + '}';
    }
}
