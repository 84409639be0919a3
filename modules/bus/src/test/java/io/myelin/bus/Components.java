package io.myelin.bus;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.Component;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;

/**
 * Finds components and starts them in a test as the server would: with the server's start context and one
 * service registry shared by the components of one test.
 */
final class Components {

    private Components() {
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

    /**
     * Starts a component.
     *
     * @param component the component
     * @param config    the whole configuration, keys such as {@code database.url}
     * @param dataDir   the server's data directory
     * @param services  the registry the component provides to and requires from
     */
    static void start(Component component, Map<String, String> config, Path dataDir,
                      Map<Class<?>, Object> services) throws Exception {
        component.start(new StartContext(component, Config.just(ConfigSources.create(config)),
                new ServerIdentity("localhost:8008", dataDir), MeterRegistry.create(), Clock.systemUTC(), services));
    }
}
