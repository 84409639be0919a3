package io.myelin.bench.cache;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.ComponentContext;
import io.myelin.api.ServerIdentity;
import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.cache.CacheComponent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads and writes through the cache tier as a component sees it: a hit served from the heap tier, a hit that
 * deserialises from the off-heap tier, a miss, and a write.
 *
 * <p>Run with {@code java -jar bench/target/benchmarks.jar CacheBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
public class CacheBench {

    /** Keys held in the off-heap tier; far more than the heap tier's entries. */
    private static final int KEYS = 100_000;
    /** Keys read over and over, so that they stay in the heap tier. */
    private static final int HOT_KEYS = 1_000;

    @Param({"512"})
    private int valueBytes;

    private CacheComponent component;
    private Cache<String, byte[]> cache;
    private String[] keys;
    private String[] absent;
    private int next;

    /** Starts the tier with room for every key and fills it. */
    @Setup(Level.Trial)
    public void start() {
        Map<String, String> config = new HashMap<>();
        config.put("cache.max_size_estimated", "256mb");
        config.put("cache.heap_entries", "10000");
        component = new CacheComponent();
        BenchContext context = new BenchContext(Config.just(ConfigSources.create(config)));
        component.start(context);
        cache = context.caches().cache(new CacheSpec<>("bench", String.class, byte[].class,
                (key, value) -> key.length() + value.length));
        keys = new String[KEYS];
        absent = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "$event" + i + ":example.org";
            absent[i] = "$absent" + i + ":example.org";
            cache.put(keys[i], new byte[valueBytes]);
        }
    }

    /** Stops the tier and frees its memory. */
    @TearDown(Level.Trial)
    public void stop() {
        component.stop();
    }

    /**
     * @return a value the heap tier holds
     */
    @Benchmark
    public byte[] getHitOnHeap() {
        next = (next + 1) % HOT_KEYS;
        return cache.get(keys[next]);
    }

    /**
     * @return a value mostly read back from the off-heap tier
     */
    @Benchmark
    public byte[] getHitOffHeap() {
        next = (next + 7_919) % KEYS;
        return cache.get(keys[next]);
    }

    /**
     * @return null: the key was never cached
     */
    @Benchmark
    public byte[] getMiss() {
        next = (next + 1) % KEYS;
        return cache.get(absent[next]);
    }

    /** Overwrites an entry. */
    @Benchmark
    public void put() {
        next = (next + 1) % KEYS;
        cache.put(keys[next], new byte[valueBytes]);
    }

    /** Just enough of a component context for the cache component. */
    private static final class BenchContext implements ComponentContext {

        private final Config root;
        private final MeterRegistry meters = MeterRegistry.create();
        private final Map<Class<?>, Object> services = new HashMap<>();

        BenchContext(Config root) {
            this.root = root;
        }

        @Override
        public Config config() {
            return root.get("cache");
        }

        @Override
        public Config rootConfig() {
            return root;
        }

        @Override
        public ServerIdentity identity() {
            throw new UnsupportedOperationException("not needed by the cache");
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
            return type.cast(services.get(type));
        }
    }
}
