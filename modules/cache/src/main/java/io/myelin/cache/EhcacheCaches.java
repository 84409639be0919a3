package io.myelin.cache;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.api.cache.Caches;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheEventListenerConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ExpiryPolicyBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.ehcache.core.statistics.TierStatistics;
import org.ehcache.event.EventType;
import org.ehcache.impl.internal.TimeSourceConfiguration;

/**
 * The cache tier: one Ehcache manager whose shared resource pools every named cache draws from.
 *
 * <p><b>Why shared pools.</b> Ehcache 3 sizes an ordinary cache's pools per cache, which would split the budget
 * into fixed shares. Since 3.10 a manager can own shared pools ({@code sharedResources}); each named cache is a
 * partition of them, so one eviction order spans all caches and a busy cache may use what an idle one does
 * not. The partitions keep their own listeners, hit counts and {@code clear()}.
 *
 * <p><b>Why off-heap.</b> The authoritative tier is a byte-sized off-heap store of
 * {@code cache.max_size_estimated}; in front of it, a heap tier sized in entries ({@code cache.heap_entries})
 * keeps the most used entries as objects, so a hot read does not deserialise. The alternative, a byte-sized heap
 * tier, is deprecated in Ehcache 3, measures objects by walking their graph reflectively (which under JPMS needs
 * {@code --add-opens} for {@code java.base} and for every package of every cached type, and its sizeof agent
 * cannot attach itself here), and so would have left the budget unreliable. The off-heap store counts the exact
 * serialised size of each key and value plus its own per-entry overhead, needs no opens, and keeps cached data
 * out of the garbage collector's way. Its costs: every cached type must be serialisable (see {@link CacheSpec}),
 * a read that misses the heap tier deserialises, and the whole budget is allocated (and touched) when the tier
 * starts, in direct memory, which must therefore be allowed ({@code -XX:MaxDirectMemorySize}, by default the
 * maximum heap size), so the process's resident memory grows by the budget at once. Measured on a 2-core machine
 * (module path, JDK 25): the first start with a 64mb budget took 0.47 s, most of it class loading; with the
 * classes loaded, 256mb took 0.44 s and 1gb 0.74 s, resident memory rising by about 1.05 GB. The byte-sized heap
 * tier started in about the same time but warned on every new type it could not walk.
 *
 * <p><b>What counts against the budget.</b> Ehcache's measure of the off-heap tier, which is exact for that tier:
 * the budget is never exceeded. The {@link CacheSpec#weigher() weigher} of each cache only feeds that cache's
 * {@code myelin.cache.estimated.bytes} gauge, because a shared pool reports its occupancy only as a whole
 * ({@code myelin.cache.occupied.bytes}). The heap copies of hot entries are not counted.
 */
final class EhcacheCaches implements Caches, AutoCloseable {

    private static final String OFF_HEAP_TIER = "OffHeap";

    private final CacheSettings settings;
    private final MeterRegistry registry;
    private final DefaultStatisticsService statistics = new DefaultStatisticsService();
    private final CacheManager manager;
    private final ConcurrentMap<String, NamedCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final List<Meter> ownMeters = new ArrayList<>();

    /**
     * Allocates the tier and registers its meters.
     *
     * @param settings the cache section
     * @param clock    the server's clock; expiry reads time from it
     * @param registry where meters go
     */
    EhcacheCaches(CacheSettings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.manager = CacheManagerBuilder.newCacheManagerBuilder()
                .using(statistics)
                .using(new TimeSourceConfiguration(clock::millis))
                .sharedResources(ResourcePoolsBuilder.heap(settings.heapEntries())
                        .offheap(settings.maxSize().bytes(), MemoryUnit.B))
                .build(true);
        ownMeters.add(registry.getOrCreate(Gauge.builder("myelin.cache.occupied.bytes", this,
                        EhcacheCaches::occupiedBytes)
                .description("Bytes the shared off-heap tier holds, as Ehcache counts them; at most"
                        + " cache.max_size_estimated")));
    }

    @Override
    public <K, V> Cache<K, V> cache(CacheSpec<K, V> spec) {
        spec.requireStorable();
        NamedCache<?, ?> cache = caches.computeIfAbsent(spec.name(), name -> create(spec));
        CacheSpec<?, ?> existing = cache.spec();
        if (existing.keyType() != spec.keyType() || existing.valueType() != spec.valueType()) {
            throw new IllegalArgumentException("cache " + spec.name() + " already holds "
                    + existing.keyType().getName() + " -> " + existing.valueType().getName());
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> typed = (Cache<K, V>) cache;
        return typed;
    }

    /**
     * The bytes of the shared off-heap tier in use, as Ehcache counts them.
     *
     * @return the occupied bytes, 0 before the first cache exists
     */
    double occupiedBytes() {
        for (String name : caches.keySet()) {
            TierStatistics tier = statistics.getCacheStatistics(name).getTierStatistics().get(OFF_HEAP_TIER);
            if (tier != null) {
                // Every partition of a shared tier reports the tier's total.
                return Math.max(0, tier.getOccupiedByteSize());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        ownMeters.forEach(registry::remove);
        caches.values().forEach(cache -> cache.meters().forEach(registry::remove));
        manager.close();
        caches.clear();
    }

    private <K, V> NamedCache<K, V> create(CacheSpec<K, V> spec) {
        NamedCache<K, V> cache = new NamedCache<>(spec, registry);
        // Synchronous delivery keeps the meters current when put() returns; the byte estimate is a sum of
        // per-event deltas, so it does not need the events in order.
        var listener = CacheEventListenerConfigurationBuilder
                .newEventListenerConfiguration(cache, EnumSet.allOf(EventType.class))
                .synchronous()
                .unordered();
        var config = CacheConfigurationBuilder.newCacheConfigurationBuilder(spec.keyType(), spec.valueType(),
                        ResourcePoolsBuilder.newResourcePoolsBuilder().sharedHeap().sharedOffheap())
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(settings.maxAge()))
                .withService(listener);
        if (spec.keyCodec() != null) {
            config = config.withKeySerializer(new CodecSerializer<>(spec.keyCodec()));
        }
        if (spec.valueCodec() != null) {
            config = config.withValueSerializer(new CodecSerializer<>(spec.valueCodec()));
        }
        cache.bind(manager.createCache(spec.name(), config));
        return cache;
    }
}
