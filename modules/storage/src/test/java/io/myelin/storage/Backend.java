package io.myelin.storage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.myelin.testkit.ScratchDatabase;

/**
 * The databases every storage test runs on: a temporary SQLite file, and a fresh PostgreSQL database
 * made under {@code MYELIN_TEST_POSTGRES_URL} for each test and dropped after it.
 */
enum Backend {
    SQLITE,
    POSTGRES;

    /**
     * Makes an empty database for one test.
     *
     * @param dir a temporary directory for the test
     * @return the database's {@code database} configuration section and how to remove it
     */
    TestDatabase create(Path dir) {
        Map<String, String> config = new HashMap<>();
        if (this == SQLITE) {
            config.put("url", "jdbc:sqlite:" + dir.resolve("db").resolve("test.db"));
            return new TestDatabase(config, () -> { });
        }
        ScratchDatabase database = ScratchDatabase.create("myelin_test");
        config.put("url", database.url());
        return new TestDatabase(config, database::close);
    }

    /**
     * A database made for one test.
     *
     * @param config its {@code database} configuration section
     * @param drop   removes it
     */
    record TestDatabase(Map<String, String> config, Runnable drop) implements AutoCloseable {
        @Override
        public void close() {
            drop.run();
        }
    }
}
