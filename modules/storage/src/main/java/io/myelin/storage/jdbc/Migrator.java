package io.myelin.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.myelin.api.storage.Dialect;
import io.myelin.api.storage.Migrations;

/**
 * Applies components' migration files and records each in {@code storage_migrations}.
 *
 * <p>Every file runs in its own transaction together with the row that records it, so a file is either
 * wholly applied and recorded or not at all. On PostgreSQL a transaction-scoped advisory lock keeps two
 * servers starting at once from applying the same file twice; on SQLite the single writer does.
 */
final class Migrator {

    private static final System.Logger LOG = System.getLogger(Migrator.class.getName());

    static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS storage_migrations (
                component  VARCHAR(100) NOT NULL,
                file       VARCHAR(200) NOT NULL,
                checksum   VARCHAR(64)  NOT NULL,
                applied_at BIGINT       NOT NULL,
                PRIMARY KEY (component, file)
            )""";
    static final String SELECT_CHECKSUM = "SELECT checksum FROM storage_migrations WHERE component = ? AND file = ?";
    static final String INSERT = "INSERT INTO storage_migrations (component, file, checksum, applied_at) "
            + "VALUES (?, ?, ?, ?)";
    static final String LOCK_POSTGRES = "SELECT pg_advisory_xact_lock(?)";
    // An arbitrary constant that names the migration lock among the database's advisory locks.
    private static final long LOCK_KEY = 0x6d79656c696e4dL;

    private final JdbcDatabase database;
    private final Clock clock;

    Migrator(JdbcDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    void createTable() {
        try {
            database.withWriteConnection(connection -> {
                lock(connection);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(CREATE_TABLE);
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("storage: cannot create the storage_migrations table: "
                                                    + e.getMessage(), e);
        }
    }

    void migrate(Migrations migrations) {
        // Read every file before applying any, so that a missing one stops start-up with nothing done.
        List<Script> scripts = new ArrayList<>();
        for (String file : migrations.files()) {
            scripts.add(load(migrations, file));
        }
        int applied = 0;
        for (Script script : scripts) {
            if (apply(migrations.component(), script)) {
                applied++;
                LOG.log(System.Logger.Level.INFO, "storage: applied migration " + script.resource()
                        + " of " + migrations.component());
            }
        }
        int fresh = applied;
        LOG.log(System.Logger.Level.DEBUG, () -> "storage: " + migrations.component() + " has " + scripts.size()
                + " migrations, " + fresh + " applied now");
    }

    private Script load(Migrations migrations, String file) {
        String resource = migrations.resource(database.dialect(), file);
        byte[] bytes;
        try (InputStream in = migrations.opener().apply(resource)) {
            if (in == null) {
                throw new IllegalStateException("component " + migrations.component() + ": migration file "
                                                        + resource + " is missing");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("component " + migrations.component() + ": cannot read migration file "
                                                    + resource, e);
        }
        return new Script(file, resource, sha256(bytes), SqlScript.split(new String(bytes, StandardCharsets.UTF_8)));
    }

    private boolean apply(String component, Script script) {
        int[] failedAt = {0};
        try {
            return database.withWriteConnection(connection -> {
                lock(connection);
                Optional<String> recorded = recordedChecksum(connection, component, script.file());
                if (recorded.isPresent()) {
                    if (!recorded.get().equals(script.checksum())) {
                        throw new IllegalStateException("component " + component + ": migration file "
                                + script.resource() + " was changed after it was applied;"
                                + " ship changes as a new file instead");
                    }
                    return false;
                }
                try (Statement statement = connection.createStatement()) {
                    for (SqlScript.Statement sql : script.statements()) {
                        failedAt[0] = sql.line();
                        statement.execute(sql.sql());
                    }
                }
                failedAt[0] = 0;
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    insert.setString(1, component);
                    insert.setString(2, script.file());
                    insert.setString(3, script.checksum());
                    insert.setLong(4, clock.millis());
                    insert.executeUpdate();
                }
                return true;
            });
        } catch (SQLException e) {
            String where = failedAt[0] > 0 ? " at line " + failedAt[0] : "";
            throw new IllegalStateException("component " + component + ": migration file " + script.resource()
                                                    + " failed" + where + " and was not applied: "
                                                    + e.getMessage(), e);
        }
    }

    private void lock(Connection connection) throws SQLException {
        if (database.dialect() != Dialect.POSTGRES) {
            return;
        }
        try (PreparedStatement lock = connection.prepareStatement(LOCK_POSTGRES)) {
            lock.setLong(1, LOCK_KEY);
            lock.execute();
        }
    }

    private static Optional<String> recordedChecksum(Connection connection, String component, String file)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_CHECKSUM)) {
            select.setString(1, component);
            select.setString(2, file);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this runtime", e);
        }
    }

    private record Script(String file, String resource, String checksum, List<SqlScript.Statement> statements) {
    }
}
