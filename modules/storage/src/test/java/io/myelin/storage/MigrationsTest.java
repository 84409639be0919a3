package io.myelin.storage;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {

    private static final String CREATE =
            "CREATE TABLE test_items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);";
    private static final String INSERT = """
            -- seed rows; a semicolon in a string ; does not end the statement
            INSERT INTO test_items (id, name) VALUES (1, 'one; still one');
            INSERT INTO test_items (id, name) VALUES (2, 'two');
            """;
    private static final String ALTER = """
            /* a later migration builds on both earlier ones */
            ALTER TABLE test_items ADD COLUMN size INTEGER;
            UPDATE test_items SET size = id * 10;
            CREATE INDEX test_items_size ON test_items (size);
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void migrationsApplyInOrderAndAreRecorded(Backend backend) throws Exception {
        try (Fixture fixture = Fixture.start(backend, dir)) {
            Database db = fixture.database();

            db.migrate(migrations("test", files("001-create.sql", CREATE, "002-seed.sql", INSERT,
                                                "003-size.sql", ALTER)));

            List<DbRow> rows = db.client().execute()
                    .query("SELECT id, name, size FROM test_items ORDER BY id").toList();
            assertEquals(2, rows.size());
            assertEquals("one; still one", rows.get(0).column("name").getString());
            assertEquals(20, rows.get(1).column("size").getInt());
            assertEquals(List.of("001-create.sql", "002-seed.sql", "003-size.sql"), recorded(db, "test"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void migratingAgainAppliesNothingTwiceEvenAfterRestart(Backend backend) throws Exception {
        Map<String, String> files = files("001-create.sql", CREATE, "002-seed.sql", INSERT);
        try (Fixture fixture = Fixture.start(backend, dir)) {
            fixture.database().migrate(migrations("test", files));

            // Re-running would fail on the duplicate primary keys of 002 if it ran again.
            fixture.database().migrate(migrations("test", files));
            fixture.restart();
            fixture.database().migrate(migrations("test", files));

            assertEquals(2L, count(fixture.database(), "test_items"));
            assertEquals(List.of("001-create.sql", "002-seed.sql"), recorded(fixture.database(), "test"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void newFilesApplyAfterEarlierOnes(Backend backend) throws Exception {
        try (Fixture fixture = Fixture.start(backend, dir)) {
            fixture.database().migrate(migrations("test", files("001-create.sql", CREATE)));
            fixture.restart();

            fixture.database().migrate(migrations("test", files("001-create.sql", CREATE, "002-seed.sql", INSERT)));

            assertEquals(2L, count(fixture.database(), "test_items"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void componentsAreRecordedSeparately(Backend backend) throws Exception {
        try (Fixture fixture = Fixture.start(backend, dir)) {
            fixture.database().migrate(migrations("alpha", files("001.sql", "CREATE TABLE alpha_t (id INTEGER)")));
            fixture.database().migrate(migrations("beta", files("001.sql", "CREATE TABLE beta_t (id INTEGER)")));

            assertEquals(List.of("001.sql"), recorded(fixture.database(), "alpha"));
            assertEquals(List.of("001.sql"), recorded(fixture.database(), "beta"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void twoServersMigratingOneDatabaseAtOnceApplyEachFileOnce(Backend backend) throws Exception {
        Map<String, String> files = files("001-create.sql", CREATE, "002-seed.sql", INSERT, "003-size.sql", ALTER);
        try (Fixture fixture = Fixture.start(backend, dir);
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Database first = fixture.database();
            Database second = fixture.startAnother();
            CountDownLatch go = new CountDownLatch(1);

            Future<?> a = pool.submit(() -> {
                go.await();
                first.migrate(migrations("test", files));
                return null;
            });
            Future<?> b = pool.submit(() -> {
                go.await();
                second.migrate(migrations("test", files));
                return null;
            });
            go.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);

            assertEquals(2L, count(first, "test_items"));
            assertEquals(List.of("001-create.sql", "002-seed.sql", "003-size.sql"), recorded(second, "test"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void failingMigrationNamesItsFileAndLeavesNothingOfIt(Backend backend) throws Exception {
        String broken = """
                CREATE TABLE test_partial (id INTEGER);
                INSERT INTO test_items (id, name) VALUES (3, 'three');
                INSERT INTO no_such_table (id) VALUES (1);
                """;
        try (Fixture fixture = Fixture.start(backend, dir)) {
            Database db = fixture.database();

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.migrate(
                    migrations("test", files("001-create.sql", CREATE, "002-broken.sql", broken,
                                             "003-never.sql", INSERT))));

            assertTrue(e.getMessage().contains("test"), e.getMessage());
            assertTrue(e.getMessage().contains("/test/db/" + db.dialect().folder() + "/002-broken.sql"),
                       e.getMessage());
            assertTrue(e.getMessage().contains("line 3"), e.getMessage());
            assertFalse(tableExists(db, "test_partial"), "the failed file's table must not exist");
            assertEquals(0L, count(db, "test_items"));
            assertEquals(List.of("001-create.sql"), recorded(db, "test"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void missingFileIsNamedAndNothingIsApplied(Backend backend) throws Exception {
        Map<String, String> files = files("001-create.sql", CREATE);
        try (Fixture fixture = Fixture.start(backend, dir)) {
            Database db = fixture.database();
            Migrations migrations = new Migrations("test", "/test/db", List.of("001-create.sql", "002-gone.sql"),
                                                   opener(files));

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.migrate(migrations));

            assertTrue(e.getMessage().contains("/test/db/" + db.dialect().folder() + "/002-gone.sql"),
                       e.getMessage());
            assertFalse(tableExists(db, "test_items"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void fileChangedAfterItWasAppliedIsRejected(Backend backend) throws Exception {
        try (Fixture fixture = Fixture.start(backend, dir)) {
            Database db = fixture.database();
            db.migrate(migrations("test", files("001-create.sql", CREATE)));

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.migrate(
                    migrations("test", files("001-create.sql", CREATE + "\nCREATE TABLE sneaky (id INTEGER);"))));

            assertTrue(e.getMessage().contains("001-create.sql"), e.getMessage());
            assertFalse(tableExists(db, "sneaky"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void dialectFilesAreReadFromTheComponentsOwnModule(Backend backend) throws Exception {
        // Triggers (SQLite) and functions (PostgreSQL) hold semicolons inside one statement.
        try (Fixture fixture = Fixture.start(backend, dir)) {
            Database db = fixture.database();

            db.migrate(new Migrations("testdb", "/io/myelin/storage/testdb", List.of("001-notes.sql"),
                                      MigrationsTest.class::getResourceAsStream));
            db.write(tx -> tx.insert("INSERT INTO testdb_notes (body) VALUES (?)", "hello"));

            assertEquals(1L, db.client().execute()
                    .get("SELECT count(*) AS n FROM testdb_note_log WHERE body = 'hello'")
                    .orElseThrow().column("n").getLong());
            assertEquals("seed's; first", db.client().execute()
                    .get("SELECT body FROM testdb_note_log WHERE kind = 'seed'")
                    .orElseThrow().column("body").getString());
        }
    }

    static Migrations migrations(String component, Map<String, String> files) {
        return new Migrations(component, "/" + component + "/db", List.copyOf(files.keySet()), opener(files));
    }

    // Files held in memory by name, the same text for both dialects.
    static java.util.function.Function<String, java.io.InputStream> opener(Map<String, String> files) {
        return resource -> {
            String sql = files.get(resource.substring(resource.lastIndexOf('/') + 1));
            return sql == null ? null : new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8));
        };
    }

    static Map<String, String> files(String... nameAndSql) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSql.length; i += 2) {
            files.put(nameAndSql[i], nameAndSql[i + 1]);
        }
        return files;
    }

    static List<String> recorded(Database db, String component) {
        return db.client().execute()
                .query("SELECT file FROM storage_migrations WHERE component = ? ORDER BY file", component)
                .map(row -> row.column("file").getString())
                .toList();
    }

    static long count(Database db, String table) {
        return db.client().execute().get("SELECT count(*) AS n FROM " + table)
                .orElseThrow().column("n").getLong();
    }

    static boolean tableExists(Database db, String table) {
        String sql = switch (db.dialect()) {
            case SQLITE -> "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?";
            case POSTGRES -> "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?";
        };
        return db.client().execute().get(sql, table).orElseThrow().column("n").getLong() > 0;
    }
}
