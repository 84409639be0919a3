package io.myelin.bench.cache;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.MeterRegistry;
import io.myelin.api.ServerIdentity;
import io.myelin.api.StartContext;
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
 * Reads and writes through the cache tier as a component sees it: a hit, a miss, a write that replaces an entry
 * while the tier has room, and a write into a full tier, where every write evicts.
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

    /** Keys held by the roomy cache. */
    private static final int KEYS = 100_000;

    @Param({"512"})
    private int valueBytes;

    private CacheComponent roomyTier;
    private CacheComponent fullTier;
    private Cache<String, byte[]> cache;
    private Cache<String, byte[]> full;
    private String[] keys;
    private String[] absent;
    private int next;
    private long written;

    /** Starts a tier with room for every key and fills it, and a small tier that is full before measuring. */
    @Setup(Level.Trial)
    public void start() {
        roomyTier = new CacheComponent();
        cache = start(roomyTier, "256mb");
        fullTier = new CacheComponent();
        full = start(fullTier, "8mb");
        keys = new String[KEYS];
        absent = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "$event" + i + ":example.org";
            absent[i] = "$absent" + i + ":example.org";
            cache.put(keys[i], new byte[valueBytes]);
            full.put(keys[i], new byte[valueBytes]);
        }
    }

    private static Cache<String, byte[]> start(CacheComponent component, String budget) {
        Config config = Config.just(ConfigSources.create(Map.of("cache.max_size_estimated", budget)));
        // The cache neither signs nor writes files: any identity will do.
        ServerIdentity identity = new ServerIdentity("bench.local", Path.of(System.getProperty("java.io.tmpdir")));
        StartContext context = new StartContext(component, config, identity, MeterRegistry.create(),
                Clock.systemUTC(), StartContext.newRegistry());
        component.start(context);
        // Roughly what a string key and a byte array retain on the heap.
        return context.caches().cache(new CacheSpec<>("bench", String.class, byte[].class,
                (key, value) -> 40 + 2L * key.length() + 16 + value.length));
    }

    /** Stops the tiers. */
    @TearDown(Level.Trial)
    public void stop() {
        roomyTier.stop();
        fullTier.stop();
    }

    /**
     * @return a cached value
     */
    @Benchmark
    public byte[] getHit() {
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

    /** Overwrites an entry; the tier has room. */
    @Benchmark
    public void put() {
        next = (next + 1) % KEYS;
        cache.put(keys[next], new byte[valueBytes]);
    }

    /** Writes a new key into the full tier, so that entries must be evicted to make room. */
    @Benchmark
    public void putEvicting() {
        full.put("$new" + written++ + ":example.org", new byte[valueBytes]);
    }
}
