package io.myelin.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.Component;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.testkit.ScratchDatabase;
import io.myelin.testkit.TempDirs;

/**
 * Real components started for a sync test as the server starts them, with one service registry, on SQLite in a
 * temporary directory or on a fresh PostgreSQL database. Closing stops them, drops the database and deletes the
 * directory.
 */
public final class TestComponents implements AutoCloseable {

    /** The server name of every sync test. */
    public static final String SERVER_NAME = "test.local";
    private static final MeterRegistry METERS = MeterRegistry.create();

    private final String url;
    private final Runnable drop;
    private final ServerIdentity identity;
    private final List<Component> started = new ArrayList<>();
    private final Map<Class<?>, Object> services = StartContext.newRegistry();

    private TestComponents(String url, Path dir, Runnable drop) {
        this.url = url;
        this.drop = drop;
        this.identity = new ServerIdentity(SERVER_NAME, dir, SigningKey.generate(), List.of());
    }

    /**
     * A SQLite database in a fresh temporary directory.
     *
     * @return the components, none started yet
     */
    public static TestComponents sqlite() throws IOException {
        Path dir = Files.createTempDirectory("myelin-sync-test");
        return new TestComponents("jdbc:sqlite:" + dir.resolve("myelin.db"), dir, () -> TempDirs.delete(dir));
    }

    /**
     * A fresh database on the PostgreSQL server of {@code MYELIN_TEST_POSTGRES_URL}; the test is skipped when
     * that is not set, and fails under {@code CI=true}.
     *
     * @param prefix the start of the database's name, such as {@code myelin_sync}; a random suffix follows
     * @return the components, none started yet
     */
    public static TestComponents postgres(String prefix) throws IOException {
        ScratchDatabase database = ScratchDatabase.create(prefix);
        Path dir = Files.createTempDirectory("myelin-sync-test");
        return new TestComponents(database.url(), dir, () -> {
            database.close();
            TempDirs.delete(dir);
        });
    }

    /**
     * Starts components in order, all on one configuration whose {@code database.url} names this database.
     *
     * @param names  the components' names, each needing only what an earlier one provides
     * @param config further configuration, with keys such as {@code users.password_hashing.memory}
     */
    public void start(List<String> names, Map<String, String> config) throws Exception {
        Map<String, String> values = new HashMap<>(config);
        values.put("database.url", url);
        for (String name : names) {
            Component c = component(name);
            c.start(context(c, values, services));
            started.add(c);
        }
    }

    /**
     * A start context for a part of a component that a test starts itself, held to that component's declared
     * provides and needs.
     *
     * @param component the component the part belongs to
     * @param config    the whole configuration, with keys such as {@code sync.presence.enabled}
     * @param registry  the services it may require: {@link #services()}, or a copy with stand-ins put in
     * @return the context
     */
    public StartContext context(Component component, Map<String, String> config, Map<Class<?>, Object> registry) {
        return new StartContext(component, Config.just(ConfigSources.create(config)), identity, METERS,
                Clock.systemUTC(), registry);
    }

    /**
     * The services the started components provide; a test puts stand-ins for components it does not start here.
     *
     * @return the shared registry
     */
    public Map<Class<?>, Object> services() {
        return services;
    }

    /**
     * @param type a service in the registry
     * @param <T>  its type
     * @return the service
     */
    public <T> T service(Class<T> type) {
        return type.cast(services.get(type));
    }

    /** Stops the started components in reverse order and empties the registry, so that they can start again. */
    public void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        started.clear();
        services.clear();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            drop.run();
        }
    }

    private static Component component(String name) {
        return ServiceLoader.load(Component.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no component " + name + " on the module path"));
    }
}
