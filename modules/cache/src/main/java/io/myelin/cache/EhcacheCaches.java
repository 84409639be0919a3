package io.myelin.cache;

import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

import io.helidon.metrics.api.Gauge;
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
 * The cache tier: one Ehcache manager with one shared, byte-sized heap pool that every named cache draws from.
 *
 * <p><b>Why a shared pool.</b> Ehcache 3 sizes an ordinary cache's pools per cache, which would split the budget
 * into fixed shares. Since 3.10 a manager can own shared pools ({@code sharedResources}); each named cache is a
 * partition of them, so one eviction order spans all caches and a busy cache may use what an idle one does
 * not. The partitions keep their own listeners, hit counts and {@code clear()}.
 *
 * <p><b>Why on the heap, sized by the weighers.</b> Values stay the objects the callers cached: no serialisation,
 * no codec, and memory is taken only as entries arrive. (An off-heap store, the earlier design, allocated and
 * touched the whole budget in direct memory at start, so resident memory grew by the budget at once.) The heap
 * pool is sized in bytes, and Ehcache learns each entry's bytes from {@link WeigherSizeOfEngine}: the cache's
 * weigher estimate plus {@link Weighed#OVERHEAD}, fixed at write. Ehcache's own reflective sizing is never
 * created, so no {@code --add-opens} and no sizing agent. What the tier counts is then what the per-cache
 * {@code myelin.cache.estimated.bytes} gauges add up to, and {@code myelin.cache.occupied.bytes} reports
 * Ehcache's count of the whole pool. The gauges follow Ehcache's events, which are exact for one writer; with
 * writers racing evictions an event now and then misstates an entry, so the gauges (and the sum that
 * {@link #keepWithinBudget()} reads) can drift a few entries from the pool's own count: up to 3 KB after
 * 12,000 racing writes of up to 4 KB over a 2 MB pool ({@code CacheTierTest}). How close that is to the real
 * heap use depends on the weighers.
 * Measured with the server on development defaults (1gb budget), resident memory after start fell from about
 * 1.2 GB with the off-heap store to about 180 MB, the same as with a 1mb budget (docs/benchmarks-cache.md).
 *
 * <p><b>Keeping within the budget.</b> After each write Ehcache's heap store evicts at most two entries, so a
 * large entry replacing two small ones leaves the pool over its size, and a run of such writes would let it
 * grow without bound. After every write that leaves the pool over budget this class writes a tiny entry to an
 * internal partition ({@value #EVICTOR}) until the extra evictions that each write triggers have brought the
 * pool back within the budget, then removes it. So once a write returns the pool is within the budget, except
 * while other threads' writes are in flight. An entry whose cost alone exceeds the budget is not kept.
 *
 * <p><b>Eviction and expiry.</b> An eviction takes, out of a random sample of eight entries of any cache, the one
 * used least recently. Expiry is time to live from the last write, read from the server's clock. An expired entry
 * is dropped when it is next read or when room is needed; until then it still counts in the gauges.
 */
final class EhcacheCaches implements Caches, AutoCloseable {

    /** The internal partition whose writes make Ehcache evict more; not a name a spec may use. */
    static final String EVICTOR = "myelin.evictor";

    private static final String HEAP_TIER = "OnHeap";
    /** Each write of the evictor entry evicts up to two entries; this bounds the work one write can cause. */
    private static final int MAX_EVICTOR_WRITES = 4_096;
    private static final Weighed<Boolean> EVICTOR_ENTRY = new Weighed<>(Boolean.TRUE, Weighed.OVERHEAD);

    private final CacheSettings settings;
    private final long budget;
    private final MeterRegistry registry;
    private final DefaultStatisticsService statistics = new DefaultStatisticsService();
    private final CacheManager manager;
    private final org.ehcache.Cache<Integer, Weighed<?>> evictor;
    private final ConcurrentMap<String, NamedCache<?, ?>> caches = new ConcurrentHashMap<>();
    /** The bytes all named caches hold, as the pool counts them; kept from the caches' events. */
    private final LongAdder accounted = new LongAdder();
    private final Gauge<Double> occupied;

    /**
     * Creates the tier and registers its meters. Nothing is allocated for the budget.
     *
     * @param settings the cache section
     * @param clock    the server's clock; expiry reads time from it
     * @param registry where meters go
     */
    EhcacheCaches(CacheSettings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.budget = settings.maxSize().bytes();
        this.registry = registry;
        this.manager = CacheManagerBuilder.newCacheManagerBuilder()
                .using(new WeigherSizeOfEngine())
                .using(statistics)
                .using(new TimeSourceConfiguration(clock::millis))
                .sharedResources(ResourcePoolsBuilder.newResourcePoolsBuilder().heap(budget, MemoryUnit.B))
                .build(true);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Weighed<?>> weighed = (Class) Weighed.class;
        this.evictor = manager.createCache(EVICTOR, CacheConfigurationBuilder.newCacheConfigurationBuilder(
                Integer.class, weighed, ResourcePoolsBuilder.newResourcePoolsBuilder().sharedHeap()));
        this.occupied = registry.getOrCreate(Gauge.builder("myelin.cache.occupied.bytes", this,
                        EhcacheCaches::occupiedBytes)
                .description("Bytes the shared heap pool holds, as Ehcache counts them by the caches' weighers;"
                        + " at most cache.max_size_estimated"));
    }

    @Override
    public <K, V> Cache<K, V> cache(CacheSpec<K, V> spec) {
        if (spec.name().equals(EVICTOR)) {
            throw new IllegalArgumentException("cache " + EVICTOR + " is internal to the cache tier");
        }
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
     * The bytes of the shared heap pool in use, as Ehcache counts them.
     *
     * @return the occupied bytes, 0 before the first entry
     */
    double occupiedBytes() {
        TierStatistics tier = statistics.getCacheStatistics(EVICTOR).getTierStatistics().get(HEAP_TIER);
        // Every partition of a shared pool reports the pool's total.
        return tier == null ? 0 : Math.max(0, tier.getOccupiedByteSize());
    }

    /** The byte budget of the whole pool. */
    long budget() {
        return budget;
    }

    /**
     * Brings the pool back within the budget after a write, by writing the evictor entry: every write to the
     * pool makes Ehcache evict up to two entries while the pool is over its size.
     */
    void keepWithinBudget() {
        if (accounted.sum() <= budget) {
            return;
        }
        for (int i = 0; i < MAX_EVICTOR_WRITES && accounted.sum() > budget; i++) {
            evictor.put(0, EVICTOR_ENTRY);
        }
        evictor.remove(0);
    }

    @Override
    public void close() {
        registry.remove(occupied);
        caches.values().forEach(cache -> cache.meters().forEach(registry::remove));
        manager.close();
        caches.clear();
    }

    private <K, V> NamedCache<K, V> create(CacheSpec<K, V> spec) {
        NamedCache<K, V> cache = new NamedCache<>(spec, this, accounted, registry);
        // Synchronous delivery keeps the meters current when put() returns, which keepWithinBudget() relies on;
        // the byte counts are sums of per-event deltas, so they do not need the events in order.
        var listener = CacheEventListenerConfigurationBuilder
                .newEventListenerConfiguration(cache, EnumSet.allOf(EventType.class))
                .synchronous()
                .unordered();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Weighed<V>> weighed = (Class) Weighed.class;
        var config = CacheConfigurationBuilder.newCacheConfigurationBuilder(spec.keyType(), weighed,
                        ResourcePoolsBuilder.newResourcePoolsBuilder().sharedHeap())
                .withExpiry(ExpiryPolicyBuilder.timeToLiveExpiration(settings.maxAge()))
                .withService(listener);
        cache.bind(manager.createCache(spec.name(), config));
        return cache;
    }
}
