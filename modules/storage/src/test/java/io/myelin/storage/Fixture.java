package io.myelin.storage;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.ComponentContext;
import io.myelin.api.ServerIdentity;
import io.myelin.api.storage.Database;

/**
 * A started storage component on a fresh database of one backend, as the server would start it.
 */
final class Fixture implements AutoCloseable {

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
        // The same registry: a second storage shares (and on stop removes) the meters of the first.
        TestContext context = context();
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

    private TestContext context() {
        Map<String, String> prefixed = new HashMap<>();
        section.forEach((key, value) -> prefixed.put("database." + key, value));
        return new TestContext(config(prefixed).get("database"), dataDir);
    }

    private void startComponent() {
        TestContext context = context();
        component = new StorageComponent();
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

    /**
     * The part of the server's start context the storage component uses.
     */
    static class TestContext implements ComponentContext {
        // One registry for the whole run, as the server has one for its whole life.
        static final MeterRegistry METERS = MeterRegistry.create();

        private final Config config;
        private final ServerIdentity identity;
        private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();

        TestContext(Config config, Path dataDir) {
            this.config = config;
            this.identity = new ServerIdentity("localhost:8008", dataDir);
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public Config rootConfig() {
            return config;
        }

        @Override
        public ServerIdentity identity() {
            return identity;
        }

        @Override
        public MeterRegistry meters() {
            return METERS;
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public <T> void provide(Class<T> type, T service) {
            services.put(type, service);
        }

        @Override
        public <T> T require(Class<T> type) {
            Object service = services.get(type);
            if (service == null) {
                throw new IllegalStateException("nothing provides " + type.getName());
            }
            return type.cast(service);
        }
    }
}
