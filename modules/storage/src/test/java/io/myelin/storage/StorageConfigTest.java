package io.myelin.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.myelin.api.ConfigProblems;
import io.myelin.api.storage.Dialect;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageConfigTest {

    @Test
    void emptySectionMeansSqliteFileInTheDataDirectory() {
        StorageConfig config = StorageConfig.create(section(Map.of()), Path.of("/var/lib/myelin"));

        assertEquals("jdbc:sqlite:/var/lib/myelin/myelin.db", config.url());
        assertEquals(Dialect.SQLITE, config.dialect());
        assertEquals(10, config.maxConnections());
        assertEquals(Duration.ofSeconds(30), config.connectionTimeout());
        assertEquals(Duration.ofSeconds(5), config.busyTimeout());
        assertEquals("full", config.sqliteSynchronous());
    }

    @Test
    void everyKeyIsRead() {
        StorageConfig config = StorageConfig.create(section(Map.of(
                "url", "jdbc:postgresql://db.example:5432/myelin",
                "username", "myelin",
                "password", "hunter2",
                "max_connections", "40",
                "connection_timeout", "2500ms",
                "busy_timeout", "PT10S",
                "sqlite_synchronous", "NORMAL")), Path.of("data"));

        assertEquals(Dialect.POSTGRES, config.dialect());
        assertEquals("myelin", config.username().orElseThrow());
        assertEquals("hunter2", config.password().orElseThrow());
        assertEquals(40, config.maxConnections());
        assertEquals(Duration.ofMillis(2500), config.connectionTimeout());
        assertEquals(Duration.ofSeconds(10), config.busyTimeout());
        assertEquals("normal", config.sqliteSynchronous());
        assertFalse(config.toString().contains("hunter2"), config.toString());
    }

    @Test
    void verifyReportsEveryBadKeyAtOnce() {
        ConfigProblems problems = new ConfigProblems();

        StorageConfig.verify(section(Map.of(
                "url", "jdbc:mysql://localhost/myelin",
                "max_connection", "5",
                "max_connections", "0",
                "connection_timeout", "soon",
                "busy_timeout", "-1s",
                "sqlite_synchronous", "off")), problems);

        List<String> list = problems.list();
        assertEquals(6, list.size(), list.toString());
        assertTrue(has(list, "database.max_connection: unknown key"), list.toString());
        assertTrue(has(list, "database.url: must start with"), list.toString());
        assertTrue(has(list, "database.max_connections: must be between 1 and"), list.toString());
        assertTrue(has(list, "database.connection_timeout: must be a duration"), list.toString());
        assertTrue(has(list, "database.busy_timeout: must be a duration"), list.toString());
        assertTrue(has(list, "database.sqlite_synchronous: must be full or normal"), list.toString());
    }

    @Test
    void verifyRejectsNonNumbersAndInMemoryDatabases() {
        ConfigProblems problems = new ConfigProblems();

        StorageConfig.verify(section(Map.of("url", "jdbc:sqlite::memory:", "max_connections", "many",
                                            "connection_timeout", "10ms")), problems);

        List<String> list = problems.list();
        assertEquals(3, list.size(), list.toString());
        assertTrue(has(list, "database.url: an in-memory SQLite database is not supported"), list.toString());
        assertTrue(has(list, "database.max_connections: must be a whole number"), list.toString());
        assertTrue(has(list, "database.connection_timeout: must be at least 250ms"), list.toString());
    }

    @Test
    void goodSectionHasNoProblems() {
        ConfigProblems problems = new ConfigProblems();

        StorageConfig.verify(section(Map.of("url", "jdbc:sqlite:/tmp/x.db", "max_connections", "4",
                                            "busy_timeout", "2s")), problems);

        assertTrue(problems.isEmpty(), problems.list().toString());
    }

    @Test
    void createRefusesABadSection() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StorageConfig.create(section(Map.of("colour", "blue")), Path.of("data")));

        assertTrue(e.getMessage().contains("database.colour"), e.getMessage());
    }

    private static boolean has(List<String> problems, String prefix) {
        return problems.stream().anyMatch(p -> p.startsWith(prefix));
    }

    static Config section(Map<String, String> values) {
        Map<String, String> prefixed = new java.util.HashMap<>();
        values.forEach((key, value) -> prefixed.put("database." + key, value));
        return Fixture.config(prefixed).get("database");
    }
}
