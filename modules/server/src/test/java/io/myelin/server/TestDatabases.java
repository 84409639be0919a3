package io.myelin.server;

import java.nio.file.Path;

import io.myelin.testkit.ScratchDatabase;

/**
 * The database a whole-server test runs on: a SQLite file in its directory, or a fresh PostgreSQL
 * database on {@code MYELIN_TEST_POSTGRES_URL} that {@link Fresh#close()} drops. Without that variable
 * PostgreSQL tests are skipped locally and fail when {@code CI=true}.
 */
public final class TestDatabases {

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
     */
    public static Fresh postgres(String prefix) {
        ScratchDatabase database = ScratchDatabase.create(prefix);
        return new Fresh(database.url(), database::close);
    }
}
