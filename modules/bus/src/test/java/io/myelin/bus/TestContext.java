package io.myelin.bus;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.ServerIdentity;

/**
 * A small {@link ComponentContext} for starting one component in a test.
 */
final class TestContext implements ComponentContext {

    private final Config config;
    private final Path dataDir;
    private final Map<Class<?>, Object> services = new HashMap<>();
    private final MeterRegistry meters = MeterRegistry.create();

    TestContext(Map<String, String> section, Path dataDir) {
        this.config = Config.builder()
                .addSource(ConfigSources.create(section))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        this.dataDir = dataDir;
    }

    /**
     * The component of that name, as the server would find it.
     */
    static Component component(String name) {
        return ServiceLoader.load(Component.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no component " + name + " on the module path"));
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
        return new ServerIdentity("localhost:8008", dataDir);
    }

    @Override
    public MeterRegistry meters() {
        return meters;
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
