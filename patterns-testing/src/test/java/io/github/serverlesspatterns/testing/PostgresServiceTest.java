package io.github.serverlesspatterns.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LocalServicesExtension.class)
class PostgresServiceTest {

    @Test
    void query_runsOnARealPostgresServer(PostgresService postgres) throws SQLException {
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists kit_rows (id int primary key, name text)");
            statement.execute("insert into kit_rows values (1, 'one') on conflict (id) do nothing");
            try (ResultSet rows = statement.executeQuery("select name, version() from kit_rows where id = 1")) {
                assertTrue(rows.next());
                assertEquals("one", rows.getString(1));
                assertTrue(rows.getString(2).startsWith("PostgreSQL"), rows.getString(2));
            }
        }
    }
}
