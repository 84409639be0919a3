package io.myelin.api;

import java.time.Clock;

import io.helidon.config.Config;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.bus.Bus;
import io.myelin.api.cache.Caches;
import io.myelin.api.storage.Database;

/**
 * What the server hands a {@link Component} when it starts.
 */
public interface ComponentContext {

    /**
     * The component's own configuration section.
     *
     * @return the section, empty when the file has none
     */
    Config config();

    /**
     * The whole configuration, for the rare component that reads a shared section.
     *
     * @return the root configuration
     */
    Config rootConfig();

    /**
     * The identity of this server: its name and signing key.
     *
     * @return the server identity
     */
    ServerIdentity identity();

    /**
     * The registry every component's meters go to.
     *
     * @return the meter registry
     */
    MeterRegistry meters();

    /**
     * The clock every component reads time from, so that tests can move it.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * Registers a service implementation for the components that start later.
     *
     * @param type    the {@code api} interface, which must be listed in {@link Component#provides()}
     * @param service the implementation
     * @param <T>     the interface type
     */
    <T> void provide(Class<T> type, T service);

    /**
     * Returns a service provided by a component that started earlier.
     *
     * @param type the {@code api} interface, which must be listed in {@link Component#needs()}
     * @param <T>  the interface type
     * @return the service
     * @throws IllegalStateException when no component provides it
     */
    <T> T require(Class<T> type);

    /**
     * The database, as provided by the storage component.
     *
     * @return the database
     */
    default Database database() {
        return require(Database.class);
    }

    /**
     * The message bus, as provided by the bus component.
     *
     * @return the bus
     */
    default Bus bus() {
        return require(Bus.class);
    }

    /**
     * The cache tier, as provided by the cache component.
     *
     * @return the caches
     */
    default Caches caches() {
        return require(Caches.class);
    }
}
