package io.github.serverlesspatterns.fifo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Applies a change to a relational table only when it is newer than what the table holds: one
 * conditional upsert ({@code INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE stored.version <
 * new.version}, PostgreSQL syntax), so a replayed or out-of-order change never overwrites a
 * newer one. For the catalogue's Eventually Consistent pattern: a DynamoDB stream copied into a
 * reporting database. Immutable and thread-safe; the caller owns connections and transactions.
 *
 * <pre>{@code
 * NewerWinsWriter writer = NewerWinsWriter.of("customers", "id", "last_updated", List.of("name", "email"));
 * boolean applied = writer.upsert(connection, Map.of("id", "c-1", "last_updated", 17L, "name", "Ann", "email", "a@x"));
 * }</pre>
 */
public final class NewerWinsWriter {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String table;
    private final String keyColumn;
    private final String versionColumn;
    private final List<String> valueColumns;
    private final String upsertSql;
    private final String deleteSql;

    private NewerWinsWriter(String table, String keyColumn, String versionColumn, List<String> valueColumns) {
        this.table = table;
        this.keyColumn = keyColumn;
        this.versionColumn = versionColumn;
        this.valueColumns = valueColumns;
        List<String> columns = new ArrayList<>();
        columns.add(keyColumn);
        columns.add(versionColumn);
        columns.addAll(valueColumns);
        StringBuilder set = new StringBuilder(versionColumn + " = EXCLUDED." + versionColumn);
        for (String c : valueColumns) {
            set.append(", ").append(c).append(" = EXCLUDED.").append(c);
        }
        this.upsertSql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", Collections.nCopies(columns.size(), "?")) + ") ON CONFLICT (" + keyColumn
                + ") DO UPDATE SET " + set + " WHERE " + table + "." + versionColumn + " < EXCLUDED." + versionColumn;
        this.deleteSql = "DELETE FROM " + table + " WHERE " + keyColumn + " = ? AND " + versionColumn + " < ?";
    }

    /**
     * @param table         the table (its key column must be a primary key or unique)
     * @param keyColumn     the key column
     * @param versionColumn the version / {@code last_updated} column (numeric or timestamp)
     * @param valueColumns  the other columns a change writes
     * @return the writer
     * @throws IllegalArgumentException if a name is not a plain SQL identifier (nothing is quoted
     *                                  or concatenated from data)
     */
    public static NewerWinsWriter of(String table, String keyColumn, String versionColumn, List<String> valueColumns) {
        Objects.requireNonNull(valueColumns, "valueColumns");
        List<String> all = new ArrayList<>(List.of(identifier(table, "table"), identifier(keyColumn, "keyColumn"),
                identifier(versionColumn, "versionColumn")));
        for (String c : valueColumns) {
            all.add(identifier(c, "valueColumns"));
        }
        if (all.subList(1, all.size()).stream().distinct().count() != all.size() - 1) {
            throw new IllegalArgumentException("column names must differ: " + all.subList(1, all.size()));
        }
        return new NewerWinsWriter(table, keyColumn, versionColumn, List.copyOf(valueColumns));
    }

    private static String identifier(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain SQL identifier: '" + name + "'");
        }
        return name;
    }

    /**
     * Inserts the row, or updates the stored one if the row's version is newer.
     *
     * @param connection a connection (the caller commits)
     * @param row        column values: the key, the version and every value column
     * @return {@code true} if written, {@code false} if the stored row is as new or newer (stale change)
     * @throws IllegalArgumentException naming the missing column when the row lacks one
     * @throws SQLException             if the database refuses
     */
    public boolean upsert(Connection connection, Map<String, ?> row) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(row, "row");
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String c : columns()) {
            if (!row.containsKey(c)) {
                throw new IllegalArgumentException("change for " + table + " has no value for column '" + c + "'");
            }
            ordered.put(c, row.get(c));
        }
        if (ordered.get(keyColumn) == null || ordered.get(versionColumn) == null) {
            throw new IllegalArgumentException("change for " + table + " needs a non-null " + keyColumn + " and " + versionColumn);
        }
        try (PreparedStatement statement = connection.prepareStatement(upsertSql)) {
            int i = 1;
            for (Object value : ordered.values()) {
                statement.setObject(i++, value);
            }
            return statement.executeUpdate() == 1;
        }
    }

    /**
     * Deletes the row if the delete's version is newer than the stored one.
     *
     * @param connection a connection (the caller commits)
     * @param key        the key
     * @param version    the version of the delete
     * @return {@code true} if deleted
     * @throws SQLException if the database refuses
     */
    public boolean delete(Connection connection, Object key, Object version) throws SQLException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
        try (PreparedStatement statement = connection.prepareStatement(deleteSql)) {
            statement.setObject(1, key);
            statement.setObject(2, version);
            return statement.executeUpdate() == 1;
        }
    }

    private List<String> columns() {
        List<String> columns = new ArrayList<>();
        columns.add(keyColumn);
        columns.add(versionColumn);
        columns.addAll(valueColumns);
        return columns;
    }

    /** @return the upsert statement, for review */
    public String upsertSql() {
        return upsertSql;
    }
}
