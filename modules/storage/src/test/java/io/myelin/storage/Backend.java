package io.myelin.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The databases every storage test runs on: a temporary SQLite file, and a fresh PostgreSQL database
 * made under {@code MYELIN_TEST_POSTGRES_URL} for each test and dropped after it.
 */
enum Backend {
    SQLITE,
    POSTGRES;

    static final String POSTGRES_VARIABLE = "MYELIN_TEST_POSTGRES_URL";

    /**
     * Makes an empty database for one test.
     *
     * @param dir a temporary directory for the test
     * @return the database's {@code database} configuration section and how to remove it
     */
    TestDatabase create(Path dir) throws SQLException {
        if (this == SQLITE) {
            Map<String, String> config = new HashMap<>();
            config.put("url", "jdbc:sqlite:" + dir.resolve("db").resolve("test.db"));
            return new TestDatabase(config, () -> { });
        }
        String admin = postgresUrl();
        String name = "myelin_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection connection = DriverManager.getConnection(admin);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        Map<String, String> config = new HashMap<>();
        config.put("url", withDatabase(admin, name));
        return new TestDatabase(config, () -> {
            try (Connection connection = DriverManager.getConnection(admin);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        });
    }

    /**
     * The PostgreSQL server's URL; a failure in CI when it is not given, a skip elsewhere.
     *
     * @return the URL
     */
    static String postgresUrl() {
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
    static String withDatabase(String url, String name) {
        int hostStart = url.indexOf("//") + 2;
        int query = url.indexOf('?');
        String head = query < 0 ? url : url.substring(0, query);
        String tail = query < 0 ? "" : url.substring(query);
        int slash = head.indexOf('/', hostStart);
        String server = slash < 0 ? head : head.substring(0, slash);
        return server + "/" + name + tail;
    }

    /**
     * A database made for one test.
     *
     * @param config  its {@code database} configuration section
     * @param dropper removes it
     */
    record TestDatabase(Map<String, String> config, Dropper dropper) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            dropper.drop();
        }
    }

    @FunctionalInterface
    interface Dropper {
        void drop() throws SQLException;
    }
}
