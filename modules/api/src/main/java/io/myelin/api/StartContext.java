package io.myelin.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.config.Config;
import io.helidon.metrics.api.MeterRegistry;

/**
 * The {@link ComponentContext} of one component, sharing one service registry with all others.
 *
 * <p>The server makes one for each component it starts; tests and benchmarks that start components themselves
 * use it too, so that they see the same checks: a component may only {@link #provide} what it lists in
 * {@link Component#provides()} and only {@link #require} what it lists in {@link Component#needs()} (or
 * provides). A test that stands in for another component's service puts it into the registry directly.
 */
public final class StartContext implements ComponentContext {

    private final Component component;
    private final Config root;
    private final ServerIdentity identity;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<Class<?>, Object> services;

    /**
     * Creates the context of one component.
     *
     * @param component the component being started
     * @param root      the root configuration; the component's {@link #config()} is its
     *                  {@link Component#configKey()} section
     * @param identity  the server identity
     * @param meters    the meter registry
     * @param clock     the clock
     * @param services  the shared registry of provided services, from {@link #newRegistry()}
     */
    public StartContext(Component component, Config root, ServerIdentity identity, MeterRegistry meters, Clock clock,
                        Map<Class<?>, Object> services) {
        this.component = component;
        this.root = root;
        this.identity = identity;
        this.meters = meters;
        this.clock = clock;
        this.services = services;
    }

    /**
     * Creates the shared registry all contexts of one server use.
     *
     * @return an empty registry
     */
    public static Map<Class<?>, Object> newRegistry() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public Config config() {
        return root.get(component.configKey());
    }

    @Override
    public Config rootConfig() {
        return root;
    }

    @Override
    public ServerIdentity identity() {
        return identity;
    }

    @Override
    public MeterRegistry meters() {
        return meters;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public <T> void provide(Class<T> type, T service) {
        if (!component.provides().contains(type)) {
            throw new IllegalStateException(component.name() + " provides " + type.getName()
                    + " without declaring it in provides()");
        }
        services.put(type, type.cast(service));
    }

    @Override
    public <T> T require(Class<T> type) {
        if (!component.needs().contains(type) && !component.provides().contains(type)) {
            throw new IllegalStateException(component.name() + " requires " + type.getName()
                    + " without declaring it in needs()");
        }
        Object service = services.get(type);
        if (service == null) {
            throw new IllegalStateException("no component provides " + type.getName());
        }
        return type.cast(service);
    }
}
