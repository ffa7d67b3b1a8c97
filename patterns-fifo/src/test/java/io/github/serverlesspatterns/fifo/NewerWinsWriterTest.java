package io.github.serverlesspatterns.fifo;

import io.github.serverlesspatterns.testing.LocalServicesExtension;
import io.github.serverlesspatterns.testing.PostgresService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class NewerWinsWriterTest {

    private final NewerWinsWriter writer = NewerWinsWriter.of("replica_customers", "id", "last_updated", List.of("name"));

    private static String stored(Connection c, String id) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "select name || '@' || last_updated from replica_customers where id = '" + id + "'")) {
            return r.next() ? r.getString(1) : null;
        }
    }

    @Test
    void staleAndReplayedChanges_neverOverwriteANewerRow(PostgresService postgres) throws SQLException {
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("create table if not exists replica_customers (id text primary key, last_updated bigint not null, name text)");
            assertTrue(writer.upsert(c, Map.of("id", "c-1", "last_updated", 2L, "name", "Ann v2")));
            assertFalse(writer.upsert(c, Map.of("id", "c-1", "last_updated", 1L, "name", "Ann v1")), "stale change rejected");
            assertFalse(writer.upsert(c, Map.of("id", "c-1", "last_updated", 2L, "name", "Ann v2 replayed")), "replay rejected");
            assertEquals("Ann v2@2", stored(c, "c-1"));
            assertTrue(writer.upsert(c, Map.of("id", "c-1", "last_updated", 3L, "name", "Ann v3")));
            assertEquals("Ann v3@3", stored(c, "c-1"));
            assertFalse(writer.delete(c, "c-1", 2L), "a stale delete leaves the newer row");
            assertTrue(writer.delete(c, "c-1", 4L));
            assertEquals(null, stored(c, "c-1"));
        }
    }

    @Test
    void badInput_isRejectedNamingTheProblem(PostgresService postgres) throws SQLException {
        try (Connection c = postgres.connect()) {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> writer.upsert(c, Map.of("id", "c-2", "last_updated", 1L)));
            assertTrue(missing.getMessage().contains("no value for column 'name'"), missing.getMessage());
        }
        IllegalArgumentException injection = assertThrows(IllegalArgumentException.class,
                () -> NewerWinsWriter.of("t; drop table x", "id", "v", List.of()));
        assertTrue(injection.getMessage().contains("plain SQL identifier"));
    }
}
