package io.myelin.storage.jdbc;

import java.time.Duration;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import io.myelin.storage.StorageConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PoolSettingsTest {

    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    @Test
    void postgresPoolIsSizedAndTimedByConfiguration() {
        StorageConfig config = config("jdbc:postgresql://db/myelin");

        HikariConfig hikari = JdbcDatabase.postgres(config);

        assertEquals(7, hikari.getMaximumPoolSize());
        assertEquals(1500, hikari.getConnectionTimeout());
        assertEquals("myelin", hikari.getUsername());
        assertEquals("secret", hikari.getPassword());
    }

    @Test
    void sqliteWritesThroughOneImmediateConnectionAndReadsThroughTheRest() {
        StorageConfig config = config("jdbc:sqlite:/tmp/x.db");

        HikariConfig writer = JdbcDatabase.sqlite(config, "w", true);
        HikariConfig reader = JdbcDatabase.sqlite(config, "r", false);

        assertEquals(1, writer.getMaximumPoolSize());
        assertEquals("IMMEDIATE", writer.getDataSourceProperties().getProperty("transaction_mode"));
        assertEquals(7, reader.getMaximumPoolSize());
        assertEquals("DEFERRED", reader.getDataSourceProperties().getProperty("transaction_mode"));
        for (HikariConfig pool : new HikariConfig[] {writer, reader}) {
            assertEquals("WAL", pool.getDataSourceProperties().getProperty("journal_mode"));
            assertEquals("true", pool.getDataSourceProperties().getProperty("foreign_keys"));
            assertEquals("2000", pool.getDataSourceProperties().getProperty("busy_timeout"));
            assertEquals("NORMAL", pool.getDataSourceProperties().getProperty("synchronous"));
        }
    }

    private static StorageConfig config(String url) {
        return new StorageConfig(url, Optional.of("myelin"), Optional.of("secret"), 7, TIMEOUT,
                                 Duration.ofSeconds(2), "normal");
    }
}
