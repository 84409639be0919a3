package io.myelin.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.myelin.api.ConfigProblems;
import io.myelin.api.StartContext;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageComponentTest {

    @TempDir
    Path dir;

    @Test
    void componentDeclaresItsSectionAndService() {
        StorageComponent component = new StorageComponent();

        assertEquals("storage", component.name());
        assertEquals("database", component.configKey());
        assertEquals(Set.of(Database.class), component.provides());
    }

    @Test
    void verifyReportsUnknownKeys() {
        ConfigProblems problems = new ConfigProblems();

        new StorageComponent().verify(StorageConfigTest.section(Map.of("uri", "jdbc:sqlite:x.db")), problems);

        assertEquals(1, problems.list().size());
        assertTrue(problems.list().getFirst().startsWith("database.uri: unknown key"));
    }

    @Test
    void defaultDatabaseIsSqliteInANewDataDirectory() throws Exception {
        Path dataDir = dir.resolve("not").resolve("yet");
        StorageComponent component = new StorageComponent();
        StartContext context = Fixture.context(component, Map.of(), dataDir);

        component.start(context);
        try {
            Database db = context.require(Database.class);
            assertEquals(Dialect.SQLITE, db.dialect());
            db.write(tx -> tx.dml("CREATE TABLE test_probe (id INTEGER)"));
            assertTrue(Files.isRegularFile(dataDir.resolve("myelin.db")));
        } finally {
            component.stop();
        }
    }

    @Test
    void startFailsAtOnceWhenPostgresIsUnreachable() {
        StorageComponent component = new StorageComponent();
        StartContext context = Fixture.context(component, Map.of(
                "url", "jdbc:postgresql://127.0.0.1:1/myelin", "connection_timeout", "1s"), dir);

        RuntimeException e = assertThrows(RuntimeException.class, () -> component.start(context));

        assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1:1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> context.require(Database.class));
    }

    @Test
    void startFailsWhenTheSqliteDirectoryCannotBeMade() throws Exception {
        Path blocker = Files.writeString(dir.resolve("taken"), "a file, not a directory");
        StorageComponent component = new StorageComponent();
        StartContext context = Fixture.context(component, Map.of(
                "url", "jdbc:sqlite:" + blocker.resolve("sub").resolve("myelin.db")), dir);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> component.start(context));

        assertTrue(e.getMessage().contains("cannot create database directory"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void metersShowPoolsAndWritesAndGoAwayOnStop(Backend backend) throws Exception {
        MeterRegistry meters = Fixture.METERS;
        String pool = backend == Backend.SQLITE ? "write" : "main";
        List<Tag> tags = List.of(Tag.create("pool", pool));
        try (Fixture fixture = Fixture.start(backend, dir)) {
            long before = meters.timer("myelin.storage.write", List.of()).orElseThrow().count();

            fixture.database().write(tx -> tx.dml("CREATE TABLE test_metered (id INTEGER)"));

            assertEquals(before + 1, meters.timer("myelin.storage.write", List.of()).orElseThrow().count());
            assertTrue(meters.gauge("myelin.storage.connections.idle", tags).isPresent());
            assertTrue(meters.gauge("myelin.storage.connections.active", tags).isPresent());
            assertTrue(meters.gauge("myelin.storage.connections.pending", tags).isPresent());
            assertEquals(backend == Backend.SQLITE,
                         meters.gauge("myelin.storage.writers.waiting", List.of()).isPresent());
        }
        assertTrue(meters.timer("myelin.storage.write", List.of()).isEmpty());
        assertTrue(meters.gauge("myelin.storage.connections.idle", tags).isEmpty());
    }

    @Test
    void stopClosesTheDatabase() throws Exception {
        try (Fixture fixture = Fixture.start(Backend.SQLITE, dir)) {
            Database db = fixture.database();
            fixture.restart();

            assertThrows(RuntimeException.class, () -> db.client().execute().get("SELECT 1 AS one"));
        }
    }

    @Test
    void startLogsTheDatabaseWithoutItsPassword() throws Exception {
        // Trust authentication ignores the passwords; they only have to stay out of the log.
        List<String> lines = captureLog(() -> {
            try (Fixture fixture = Fixture.start(Backend.POSTGRES, dir, section -> {
                String url = section.get("url");
                section.put("url", url + (url.contains("?") ? "&" : "?") + "password=hunter2");
                section.put("password", "hunter3");
            })) {
                fixture.database().client().execute().get("SELECT 1 AS one").orElseThrow();
            }
        });

        assertTrue(lines.stream().anyMatch(line -> line.contains("using postgres database jdbc:postgresql://")),
                   lines.toString());
        assertFalse(lines.stream().anyMatch(line -> line.contains("hunter")), lines.toString());
    }

    private List<String> captureLog(ThrowingRunnable work) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.myelin.storage");
        java.util.logging.Level level = logger.getLevel();
        // Every level an operator might run at, so that nothing secret hides below the test's default.
        logger.setLevel(java.util.logging.Level.ALL);
        logger.addHandler(handler);
        try {
            work.run();
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(level);
        }
        return lines;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
