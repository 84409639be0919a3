package io.myelin.storage.jdbc;

import java.nio.file.Path;

import io.myelin.api.storage.Dialect;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcUrlsTest {

    @Test
    void redactionRemovesUserInfoAndCredentialParameters() {
        assertEquals("jdbc:postgresql://db:5432/myelin?ssl=true",
                     JdbcUrls.redact("jdbc:postgresql://db:5432/myelin?user=me&password=secret&ssl=true"));
        assertEquals("jdbc:postgresql://db/myelin",
                     JdbcUrls.redact("jdbc:postgresql://me:secret@db/myelin"));
        assertEquals("jdbc:postgresql://db",
                     JdbcUrls.redact("jdbc:postgresql://me:secret@db?sslPassword=x"));
        assertEquals("jdbc:sqlite:/var/lib/myelin/myelin.db",
                     JdbcUrls.redact("jdbc:sqlite:/var/lib/myelin/myelin.db"));
    }

    @Test
    void dialectFollowsTheUrl() {
        assertEquals(Dialect.SQLITE, JdbcUrls.dialect("jdbc:sqlite:x.db").orElseThrow());
        assertEquals(Dialect.POSTGRES, JdbcUrls.dialect("jdbc:postgresql://h/db").orElseThrow());
        assertTrue(JdbcUrls.dialect("jdbc:mysql://h/db").isEmpty());
        assertTrue(JdbcUrls.dialect("jdbc:sqlite:").isEmpty());
    }

    @Test
    void sqliteFileIgnoresParametersAndFilePrefix() {
        assertEquals(Path.of("/a/b.db"), JdbcUrls.sqliteFile("jdbc:sqlite:/a/b.db?cache=private"));
        assertEquals(Path.of("/a/b.db"), JdbcUrls.sqliteFile("jdbc:sqlite:file:///a/b.db"));
        assertEquals(Path.of("data/b.db"), JdbcUrls.sqliteFile("jdbc:sqlite:data/b.db"));
    }

    @Test
    void inMemoryUrlsAreRecognised() {
        assertTrue(JdbcUrls.isSqliteInMemory("jdbc:sqlite::memory:"));
        assertTrue(JdbcUrls.isSqliteInMemory("jdbc:sqlite:file:x?mode=memory&cache=shared"));
        assertFalse(JdbcUrls.isSqliteInMemory("jdbc:sqlite:/tmp/memory.db"));
    }
}
