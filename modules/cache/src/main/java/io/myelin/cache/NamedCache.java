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
 * One named cache: a partition of the shared Ehcache tier, with its own meters.
 *
 * <p>Hits and misses are counted here; evictions, expirations and the estimated bytes follow Ehcache's
 * events, which name the cache an entry belonged to even when another cache's write pushed it out.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class NamedCache<K, V> implements Cache<K, V>, CacheEventListener<K, V> {

    private final CacheSpec<K, V> spec;
    private final LongAdder estimatedBytes = new LongAdder();
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;
    private final Counter expirations;
    private final List<Meter> meters;
    private volatile org.ehcache.Cache<K, V> store;

    NamedCache(CacheSpec<K, V> spec, MeterRegistry registry) {
        this.spec = spec;
        List<Tag> tags = List.of(Tag.create("cache", spec.name()));
        hits = registry.getOrCreate(Counter.builder("myelin.cache.hits").tags(tags)
                .description("Reads that found an entry"));
        misses = registry.getOrCreate(Counter.builder("myelin.cache.misses").tags(tags)
                .description("Reads that found no entry"));
        evictions = registry.getOrCreate(Counter.builder("myelin.cache.evictions").tags(tags)
                .description("Entries removed to keep the shared tier within cache.max_size_estimated"));
        expirations = registry.getOrCreate(Counter.builder("myelin.cache.expirations").tags(tags)
                .description("Entries dropped after cache.max_age"));
        Gauge<Double> bytes = registry.getOrCreate(Gauge.builder("myelin.cache.estimated.bytes", estimatedBytes,
                LongAdder::doubleValue).tags(tags).description("Estimated bytes of the entries held, by the weigher"));
        meters = List.of(hits, misses, evictions, expirations, bytes);
    }

    /** Binds the Ehcache partition once it exists; it is created with this object as its listener. */
    void bind(org.ehcache.Cache<K, V> store) {
        this.store = store;
    }

    CacheSpec<K, V> spec() {
        return spec;
    }

    List<Meter> meters() {
        return meters;
    }

    /** The sum of the weigher's estimates over the entries this cache holds. */
    long estimatedBytes() {
        return estimatedBytes.sum();
    }

    @Override
    public V get(K key) {
        V value = store.get(key);
        (value == null ? misses : hits).increment();
        return value;
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
        V earlier = store.putIfAbsent(key, loaded);
        return earlier == null ? loaded : earlier;
    }

    @Override
    public void put(K key, V value) {
        store.put(key, Objects.requireNonNull(value, "value"));
    }

    @Override
    public void remove(K key) {
        store.remove(key);
    }

    @Override
    public void clear() {
        // Ehcache sends no events for a clear, so the estimate starts over here.
        store.clear();
        estimatedBytes.reset();
    }

    @Override
    public void onEvent(CacheEvent<? extends K, ? extends V> event) {
        switch (event.getType()) {
            case CREATED -> estimatedBytes.add(weigh(event.getKey(), event.getNewValue()));
            case UPDATED -> estimatedBytes.add(weigh(event.getKey(), event.getNewValue())
                    - weigh(event.getKey(), event.getOldValue()));
            case REMOVED -> estimatedBytes.add(-weigh(event.getKey(), event.getOldValue()));
            case EVICTED -> {
                evictions.increment();
                estimatedBytes.add(-weigh(event.getKey(), event.getOldValue()));
            }
            case EXPIRED -> {
                expirations.increment();
                estimatedBytes.add(-weigh(event.getKey(), event.getOldValue()));
            }
        }
    }

    private long weigh(K key, V value) {
        return value == null ? 0 : Math.max(0, spec.weigher().weigh(key, value));
    }
}
