package io.github.serverlesspatterns.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A real PostgreSQL server (standing in for RDS): embedded PostgreSQL 14 on a free port, or an
 * external server. Thread-safe.
 */
public final class PostgresService implements AutoCloseable {

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres server;

    private PostgresService(String jdbcUrl, String user, String password, EmbeddedPostgres server) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.server = server;
    }

    /**
     * Starts embedded PostgreSQL on a free port (about 4 seconds).
     *
     * @return the running service
     */
    public static PostgresService start() {
        int port = Ports.free();
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder().setPort(port).start();
            String url = server.getJdbcUrl("postgres", "postgres");
            // the local server speaks no TLS: say so in the URL, as a client of a real database must say what it wants
            return new PostgresService(url + (url.contains("?") ? "&" : "?") + "sslmode=disable", "postgres", "postgres", server);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL failed to start on port " + port, e);
        }
    }

    /**
     * Uses a PostgreSQL server that runs elsewhere; {@link #close()} then stops nothing.
     *
     * @param jdbcUrl  the JDBC URL
     * @param user     the user
     * @param password the password
     * @return the service
     */
    public static PostgresService external(String jdbcUrl, String user, String password) {
        return new PostgresService(Objects.requireNonNull(jdbcUrl, "jdbcUrl"), Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(password, "password"), null);
    }

    /** @return the JDBC URL of the {@code postgres} database */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** @return the user name */
    public String user() {
        return user;
    }

    /** @return the password */
    public String password() {
        return password;
    }

    /**
     * Opens a new connection; the caller closes it.
     *
     * @return the connection
     * @throws SQLException if the server refuses
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("stopping embedded PostgreSQL", e);
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresService{" + (server != null ? "embedded " : "external ") + jdbcUrl + '}';
    }
}
