package io.myelin.cache;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import org.ehcache.event.CacheEvent;
import org.ehcache.event.CacheEventListener;

/**
 * One named cache: a partition of the shared Ehcache heap pool, with its own meters.
 *
 * <p>Values are stored as {@link Weighed} records carrying their cost. Hits and misses are counted here;
 * evictions, expirations and the bytes held follow Ehcache's events, which name the cache an entry belonged to
 * even when another cache's write pushed it out, and carry the cost the entry was stored with.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class NamedCache<K, V> implements Cache<K, V>, CacheEventListener<K, Weighed<V>> {

    private final CacheSpec<K, V> spec;
    private final EhcacheCaches tier;
    private final LongAdder bytes = new LongAdder();
    private final LongAdder tierBytes;
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;
    private final Counter expirations;
    private final List<Meter> meters;
    private volatile org.ehcache.Cache<K, Weighed<V>> store;

    /**
     * @param spec      what the cache holds
     * @param tier      the tier, told after each write so that it can keep the pool within the budget
     * @param tierBytes the bytes of all caches, which this cache's events update along with its own
     * @param registry  where the meters go
     */
    NamedCache(CacheSpec<K, V> spec, EhcacheCaches tier, LongAdder tierBytes, MeterRegistry registry) {
        this.spec = spec;
        this.tier = tier;
        this.tierBytes = tierBytes;
        List<Tag> tags = List.of(Tag.create("cache", spec.name()));
        hits = registry.getOrCreate(Counter.builder("myelin.cache.hits").tags(tags)
                .description("Reads that found an entry"));
        misses = registry.getOrCreate(Counter.builder("myelin.cache.misses").tags(tags)
                .description("Reads that found no entry"));
        evictions = registry.getOrCreate(Counter.builder("myelin.cache.evictions").tags(tags)
                .description("Entries removed to keep the shared tier within cache.max_size_estimated"));
        expirations = registry.getOrCreate(Counter.builder("myelin.cache.expirations").tags(tags)
                .description("Entries dropped after cache.max_age"));
        Gauge<Double> gauge = registry.getOrCreate(Gauge.builder("myelin.cache.estimated.bytes", bytes,
                LongAdder::doubleValue).tags(tags).description("Bytes of the entries held, as the shared tier"
                + " counts them: the weigher's estimate plus a fixed overhead per entry"));
        meters = List.of(hits, misses, evictions, expirations, gauge);
    }

    /** Binds the Ehcache partition once it exists; it is created with this object as its listener. */
    void bind(org.ehcache.Cache<K, Weighed<V>> store) {
        this.store = store;
    }

    CacheSpec<K, V> spec() {
        return spec;
    }

    List<Meter> meters() {
        return meters;
    }

    /** The bytes this cache's entries count for in the shared tier. */
    long estimatedBytes() {
        return bytes.sum();
    }

    @Override
    public V get(K key) {
        Weighed<V> entry = store.get(key);
        if (entry == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return entry.value();
    }

    @Override
    public V get(K key, Function<K, V> loader) {
        V value = get(key);
        if (value != null) {
            return value;
        }
        V loaded = loader.apply(key);
        if (loaded == null) {
            return null;
        }
        Weighed<V> entry = Weighed.of(key, loaded, spec.weigher());
        if (entry.size() > tier.budget()) {
            return loaded;
        }
        Weighed<V> earlier = store.putIfAbsent(key, entry);
        tier.keepWithinBudget();
        return earlier == null ? loaded : earlier.value();
    }

    @Override
    public void put(K key, V value) {
        Weighed<V> entry = Weighed.of(key, Objects.requireNonNull(value, "value"), spec.weigher());
        if (entry.size() > tier.budget()) {
            // Too large to keep at all; an older value under the key would now be stale.
            store.remove(key);
            return;
        }
        store.put(key, entry);
        tier.keepWithinBudget();
    }

    @Override
    public void remove(K key) {
        store.remove(key);
    }

    @Override
    public void clear() {
        // Ehcache sends no events for a clear, so the count starts over here; a write racing with the clear may
        // leave it off by that entry until the entry goes.
        store.clear();
        tierBytes.add(-bytes.sumThenReset());
    }

    @Override
    public void onEvent(CacheEvent<? extends K, ? extends Weighed<V>> event) {
        switch (event.getType()) {
            case CREATED -> add(size(event.getNewValue()));
            case UPDATED -> add(size(event.getNewValue()) - size(event.getOldValue()));
            case REMOVED -> add(-size(event.getOldValue()));
            case EVICTED -> {
                evictions.increment();
                add(-size(event.getOldValue()));
            }
            case EXPIRED -> {
                expirations.increment();
                add(-size(event.getOldValue()));
            }
        }
    }

    private void add(long delta) {
        bytes.add(delta);
        tierBytes.add(delta);
    }

    private static long size(Weighed<?> entry) {
        return entry == null ? 0 : entry.size();
    }
}
