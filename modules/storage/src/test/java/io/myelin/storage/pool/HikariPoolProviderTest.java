package io.myelin.storage.pool;

import java.nio.file.Path;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HikariPoolProviderTest {

    @TempDir
    Path dir;

    @Test
    void helidonBuildsAClientFromConfigurationOnTheHikariPool() {
        // Without a pool provider declared in the module descriptor this fails to find any pool.
        Config config = Config.builder()
                .sources(ConfigSources.create(Map.of(
                        "db.source", "jdbc",
                        "db.connection.url", "jdbc:sqlite:" + dir.resolve("probe.db"),
                        "db.connection.hikari.maximumPoolSize", "2")))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();

        try (DbClient client = DbClient.create(config.get("db"))) {
            assertEquals("sqlite", client.dbType());
            Object one = client.execute().get("SELECT 1 AS one").orElseThrow().column("one").get();
            assertEquals(1, ((Number) one).intValue());
        }
    }
}
