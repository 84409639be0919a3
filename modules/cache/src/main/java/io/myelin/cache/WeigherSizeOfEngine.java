package io.myelin.cache;

import org.ehcache.config.ResourceUnit;
import org.ehcache.core.spi.store.Store;
import org.ehcache.core.spi.store.heap.SizeOfEngine;
import org.ehcache.core.spi.store.heap.SizeOfEngineProvider;
import org.ehcache.impl.internal.store.shared.composites.CompositeValue;
import org.ehcache.spi.service.Service;
import org.ehcache.spi.service.ServiceConfiguration;
import org.ehcache.spi.service.ServiceProvider;

/**
 * Sizes heap entries by their caches' weighers instead of by Ehcache's reflective object walk.
 *
 * <p>Ehcache's byte-sized heap tier asks the {@link SizeOfEngineProvider} service for the size of every entry it
 * stores. Registering this instance with the cache manager keeps Ehcache from creating its default provider,
 * whose engine walks object graphs by reflection (needing {@code --add-opens} into every cached type's module)
 * and tries to attach a sizing agent to the running JVM. Here an entry's size is the {@link Weighed#size()}
 * computed when it was written, so sizing costs a field read.
 *
 * <p>The shared heap store is created once for the whole manager, without any one cache's configuration, so a
 * per-cache setting cannot reach the engine; instead each value carries its cost. In the shared store Ehcache
 * wraps every value in a {@link CompositeValue} that names its partition; the engine looks through it.
 */
final class WeigherSizeOfEngine implements SizeOfEngineProvider, SizeOfEngine {

    @Override
    public SizeOfEngine createSizeOfEngine(ResourceUnit resourceUnit, ServiceConfiguration<?, ?>... configurations) {
        return this;
    }

    @Override
    public <K, V> long sizeof(K key, Store.ValueHolder<V> holder) {
        Object value = holder.get();
        if (value instanceof CompositeValue<?> composite) {
            value = composite.getValue();
        }
        if (value instanceof Weighed<?> weighed) {
            return weighed.size();
        }
        // Every value this module stores is weighed; anything else is a bug that must not pass as free.
        throw new IllegalStateException("cache: an entry of " + (value == null ? "null" : value.getClass().getName())
                + " was stored without a weight");
    }

    @Override
    public void start(ServiceProvider<Service> serviceProvider) {
        // nothing to start: the engine keeps no state
    }

    @Override
    public void stop() {
        // nothing to stop
    }
}
