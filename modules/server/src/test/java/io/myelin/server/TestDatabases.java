package io.myelin.server;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database a whole-server test runs on: a SQLite file in its directory, or a fresh PostgreSQL
 * database on {@code MYELIN_TEST_POSTGRES_URL} that {@link Fresh#close()} drops. Without that variable
 * PostgreSQL tests are skipped locally and fail when {@code CI=true}.
 */
public final class TestDatabases {

    private static final String POSTGRES_VARIABLE = "MYELIN_TEST_POSTGRES_URL";

    private TestDatabases() {
    }

    /**
     * A database made for one test.
     *
     * @param url  its JDBC URL, for {@code database.url}
     * @param drop drops it (nothing for SQLite)
     */
    public record Fresh(String url, Runnable drop) implements AutoCloseable {
        @Override
        public void close() {
            drop.run();
        }
    }

    /**
     * @param dir the test's directory (SQLite keeps its file under {@code data/})
     * @return a SQLite database
     */
    public static Fresh sqlite(Path dir) {
        return new Fresh("jdbc:sqlite:" + dir.resolve("data").resolve("myelin.db"), () -> { });
    }

    /**
     * Creates a PostgreSQL database with a random name.
     *
     * @param prefix the name's prefix, e.g. {@code myelin_users}
     * @return the database
     * @throws SQLException when it cannot be created
     */
    public static Fresh postgres(String prefix) throws SQLException {
        String admin = postgresUrl();
        String name = prefix + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        sql(admin, "CREATE DATABASE " + name);
        return new Fresh(withDatabase(admin, name), () -> {
            try {
                sql(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void sql(String url, String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }

    private static String postgresUrl() {
        String url = System.getenv(POSTGRES_VARIABLE);
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(POSTGRES_VARIABLE + " must be set when CI=true: PostgreSQL tests may not be skipped");
            }
            assumeTrue(false, POSTGRES_VARIABLE + " is not set; PostgreSQL tests skipped");
        }
        return url;
    }

    // jdbc:postgresql://host:port/postgres?user=postgres -> jdbc:postgresql://host:port/<name>?user=postgres
    private static String withDatabase(String url, String name) {
        int hostStart = url.indexOf("//") + 2;
        int query = url.indexOf('?');
        String head = query < 0 ? url : url.substring(0, query);
        String tail = query < 0 ? "" : url.substring(query);
        int slash = head.indexOf('/', hostStart);
        return (slash < 0 ? head : head.substring(0, slash)) + "/" + name + tail;
    }
}
