package io.myelin.storage;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
import io.myelin.api.storage.Database;

/**
 * A started storage component on a fresh database of one backend, as the server would start it.
 */
final class Fixture implements AutoCloseable {

    /** One registry for the whole run, as the server has one for its whole life. */
    static final MeterRegistry METERS = MeterRegistry.create();

    private final Backend.TestDatabase testDatabase;
    private final Path dataDir;
    private final Map<String, String> section;
    private final List<StorageComponent> others = new ArrayList<>();
    private StorageComponent component;
    private Database database;

    private Fixture(Backend.TestDatabase testDatabase, Path dataDir, Map<String, String> section) {
        this.testDatabase = testDatabase;
        this.dataDir = dataDir;
        this.section = section;
    }

    static Fixture start(Backend backend, Path dir) throws SQLException {
        return start(backend, dir, Map.of());
    }

    static Fixture start(Backend backend, Path dir, Map<String, String> extra) throws SQLException {
        return start(backend, dir, section -> section.putAll(extra));
    }

    /**
     * Starts on a fresh database, letting the test change the {@code database} section first.
     */
    static Fixture start(Backend backend, Path dir, Consumer<Map<String, String>> adjust) throws SQLException {
        Backend.TestDatabase testDatabase = backend.create(dir);
        Map<String, String> section = new HashMap<>(testDatabase.config());
        adjust.accept(section);
        Fixture fixture = new Fixture(testDatabase, dir.resolve("data"), section);
        try {
            fixture.startComponent();
        } catch (RuntimeException e) {
            testDatabase.close();
            throw e;
        }
        return fixture;
    }

    Database database() {
        return database;
    }

    /**
     * Stops the component and starts a new one on the same database, as a server restart would.
     */
    void restart() {
        component.stop();
        startComponent();
    }

    /**
     * Starts a second component on the same database, as a second server sharing it would.
     *
     * @return the second component's database, closed with this fixture
     */
    Database startAnother() {
        StorageComponent other = new StorageComponent();
        // The same meter registry: a second storage shares (and on stop removes) the meters of the first.
        StartContext context = context(other, section, dataDir);
        other.start(context);
        others.add(other);
        return context.require(Database.class);
    }

    @Override
    public void close() throws SQLException {
        try {
            others.forEach(StorageComponent::stop);
            if (component != null) {
                component.stop();
            }
        } finally {
            testDatabase.close();
        }
    }

    /**
     * The server's start context for a storage component, with a registry of its own.
     *
     * @param component the storage component
     * @param section   the {@code database} section
     * @param dataDir   the server's data directory
     */
    static StartContext context(StorageComponent component, Map<String, String> section, Path dataDir) {
        Map<String, String> prefixed = new HashMap<>();
        section.forEach((key, value) -> prefixed.put("database." + key, value));
        return new StartContext(component, config(prefixed), new ServerIdentity("localhost:8008", dataDir), METERS,
                Clock.systemUTC(), StartContext.newRegistry());
    }

    private void startComponent() {
        component = new StorageComponent();
        StartContext context = context(component, section, dataDir);
        component.start(context);
        database = context.require(Database.class);
    }

    static Config config(Map<String, String> values) {
        return Config.builder()
                .sources(ConfigSources.create(values))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }
}
