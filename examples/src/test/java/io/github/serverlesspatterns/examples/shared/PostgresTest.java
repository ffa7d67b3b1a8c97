package io.github.serverlesspatterns.examples.shared;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.CertificateFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples' PostgreSQL connections (02, 14, 15, 17): bounded in time, TLS with the server's identity checked. */
class PostgresTest {

    @Test
    @Timeout(60) // without the timeouts the connection waits for an answer forever (PgJDBC's defaults are 0: no limit)
    void aDatabaseThatAcceptsButNeverAnswers_failsTheConnection_insteadOfHoldingTheInvocation() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // TCP is up; no PostgreSQL reply ever comes (a frozen server)
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/reports?sslmode=disable";
            assertThrows(SQLException.class, () -> Postgres.connect(url, "u", "p"));
        }
    }

    @Test
    void aUrlWithoutSslmode_verifiesTheServerAgainstThePackagedRdsAuthorities() throws Exception {
        Properties p = Postgres.properties("jdbc:postgresql://reports.abc123.eu-west-1.rds.amazonaws.com:5432/reports", "u", "p");
        assertEquals("verify-full", p.getProperty("sslmode"));
        int authorities;
        try (InputStream pem = new FileInputStream(p.getProperty("sslrootcert"))) {
            authorities = CertificateFactory.getInstance("X.509").generateCertificates(pem).size();
        }
        assertEquals(115, authorities, "the RDS root and regional authorities, readable as PgJDBC reads sslrootcert");
        assertEquals("5", p.getProperty("connectTimeout"));
        assertEquals("20", p.getProperty("socketTimeout"));
    }

    @Test
    void aUrlAskingForLessThanVerifyFull_isRefused_exceptToTheLocalTestServer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Postgres.properties("jdbc:postgresql://reports.example.com/reports?sslmode=require", "u", "p"));
        assertTrue(e.getMessage().contains("sslmode=require") && e.getMessage().contains("reports.example.com"), e.getMessage());
        assertEquals(null, Postgres.properties("jdbc:postgresql://localhost:5432/x?sslmode=disable", "u", "p").getProperty("sslmode"),
                "the loopback test server keeps what its URL says");
    }
}
