package io.myelin.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.api.cache.Caches;
import io.myelin.api.cache.Codec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheTierTest {

    private static final long BUDGET = 2L << 20;

    private final List<CacheComponent> started = new ArrayList<>();

    private TestContext context;

    private Caches start(Map<String, String> config) {
        context = new TestContext(config);
        CacheComponent component = new CacheComponent();
        component.start(context);
        started.add(component);
        return context.caches();
    }

    private Caches start() {
        return start(Map.of("cache.max_size_estimated", "2mb", "cache.max_age", "1h", "cache.heap_entries", "100"));
    }

    @AfterEach
    void stop() {
        started.forEach(CacheComponent::stop);
    }

    private static CacheSpec<String, byte[]> bytes(String name) {
        return new CacheSpec<>(name, String.class, byte[].class, (key, value) -> key.length() + value.length);
    }

    private long occupied() {
        return (long) context.gauge("myelin.cache.occupied.bytes", List.of());
    }

    @Test
    void estimatedSizeStaysWithinTheBudgetWhileManyCachesOverfillIt() {
        Caches caches = start();
        List<String> names = List.of("events", "state", "keys");
        List<Cache<String, byte[]>> all = names.stream().map(name -> caches.cache(bytes(name))).toList();
        Random random = new Random(7);
        long written = 0;

        // Ten times the budget, in values of 100 bytes to 8 KB, spread unevenly over the caches.
        for (int i = 0; written < 10 * BUDGET; i++) {
            byte[] value = new byte[100 + random.nextInt(8_000)];
            all.get(random.nextInt(10) < 6 ? 0 : 1 + i % 2).put("k" + i, value);
            written += value.length;
            if (i % 200 == 0) {
                assertTrue(occupied() <= BUDGET, () -> "occupied " + occupied());
            }
        }

        long estimated = 0;
        long evictions = 0;
        for (String name : names) {
            estimated += (long) context.gauge("myelin.cache.estimated.bytes", tag(name));
            evictions += context.counter("myelin.cache.evictions", name);
        }
        assertTrue(occupied() <= BUDGET, () -> "occupied " + occupied());
        assertTrue(occupied() > BUDGET / 2, () -> "the tier should be in use, occupied " + occupied());
        assertTrue(estimated <= occupied(), "estimated " + estimated + " occupied " + occupied());
        assertTrue(estimated > 0);
        assertTrue(evictions > 0, "entries should have been evicted");
        for (String name : names) {
            assertTrue(context.counter("myelin.cache.evictions", name) > 0, name + " had no evictions");
        }
    }

    @Test
    void estimatedBytesFollowWritesUpdatesAndRemovals() {
        Caches caches = start();
        Cache<String, byte[]> cache = caches.cache(bytes("events"));

        cache.put("a", new byte[100]);
        cache.put("bb", new byte[50]);
        assertEquals(101 + 52, context.gauge("myelin.cache.estimated.bytes", tag("events")));

        cache.put("a", new byte[10]);
        assertEquals(11 + 52, context.gauge("myelin.cache.estimated.bytes", tag("events")));

        cache.remove("bb");
        assertEquals(11, context.gauge("myelin.cache.estimated.bytes", tag("events")));

        cache.clear();
        assertEquals(0, context.gauge("myelin.cache.estimated.bytes", tag("events")));
        assertNull(cache.get("a"));
    }

    @Test
    void entriesExpireAfterMaxAge() {
        Caches caches = start();
        Cache<String, byte[]> cache = caches.cache(bytes("events"));
        cache.put("a", new byte[] {1});

        context.movableClock().advance(Duration.ofMinutes(59));
        assertArrayEquals(new byte[] {1}, cache.get("a"));

        context.movableClock().advance(Duration.ofMinutes(2));
        assertNull(cache.get("a"));
        assertEquals(1, context.counter("myelin.cache.expirations", "events"));
        assertEquals(0, context.gauge("myelin.cache.estimated.bytes", tag("events")));
    }

    @Test
    void maxAgeCountsFromTheLastWrite() {
        Caches caches = start(Map.of("cache.max_size_estimated", "1mb", "cache.max_age", "10m"));
        Cache<String, byte[]> cache = caches.cache(bytes("events"));
        cache.put("a", new byte[] {1});

        context.movableClock().advance(Duration.ofMinutes(8));
        cache.put("a", new byte[] {2});
        context.movableClock().advance(Duration.ofMinutes(8));

        assertArrayEquals(new byte[] {2}, cache.get("a"));
        context.movableClock().advance(Duration.ofMinutes(3));
        assertNull(cache.get("a"));
    }

    @Test
    void loaderResultIsCachedAndNullIsNot() {
        Caches caches = start();
        Cache<String, byte[]> cache = caches.cache(bytes("events"));
        AtomicInteger loads = new AtomicInteger();

        assertArrayEquals(new byte[] {4}, cache.get("x", key -> {
            loads.incrementAndGet();
            return new byte[] {4};
        }));
        assertArrayEquals(new byte[] {4}, cache.get("x", key -> {
            loads.incrementAndGet();
            return new byte[] {5};
        }));
        assertEquals(1, loads.get());

        assertNull(cache.get("missing", key -> {
            loads.incrementAndGet();
            return null;
        }));
        assertNull(cache.get("missing", key -> {
            loads.incrementAndGet();
            return null;
        }));
        assertEquals(3, loads.get(), "a null must not be cached");
        assertNull(cache.get("missing"));
    }

    @Test
    void metricsCountHitsMissesAndBytesPerCache() {
        Caches caches = start();
        Cache<String, byte[]> events = caches.cache(bytes("events"));
        Cache<String, byte[]> keys = caches.cache(bytes("keys"));

        keys.put("k", new byte[1_000]);
        keys.get("k");
        keys.get("k");
        keys.get("nope");
        events.get("nope");

        assertEquals(2, context.counter("myelin.cache.hits", "keys"));
        assertEquals(1, context.counter("myelin.cache.misses", "keys"));
        assertEquals(0, context.counter("myelin.cache.hits", "events"));
        assertEquals(1, context.counter("myelin.cache.misses", "events"));
        assertEquals(1_001, context.gauge("myelin.cache.estimated.bytes", tag("keys")));
        assertEquals(0, context.gauge("myelin.cache.estimated.bytes", tag("events")));
        assertTrue(occupied() >= 1_001, () -> "occupied " + occupied());
    }

    @Test
    void oneCacheFillingTheTierEvictsAnotherCachesEntriesAndTheyCountAsThatCachesEvictions() {
        Caches caches = start(Map.of("cache.max_size_estimated", "1mb"));
        Cache<String, byte[]> events = caches.cache(bytes("events"));
        Cache<String, byte[]> keys = caches.cache(bytes("keys"));
        keys.put("k", new byte[1_000]);

        for (int i = 0; i < 2_000; i++) {
            events.put("e" + i, new byte[1_000]);
        }

        assertNull(keys.get("k"));
        assertEquals(1, context.counter("myelin.cache.evictions", "keys"));
        assertEquals(0, context.gauge("myelin.cache.estimated.bytes", tag("keys")));
        assertTrue(context.counter("myelin.cache.evictions", "events") > 0);
    }

    @Test
    void entriesBeingReadOftenSurviveAnotherCachesWrites() {
        Caches caches = start(Map.of("cache.max_size_estimated", "1mb"));
        Cache<String, byte[]> events = caches.cache(bytes("events"));
        Cache<String, byte[]> keys = caches.cache(bytes("keys"));
        keys.put("k", new byte[1_000]);

        for (int i = 0; i < 2_000; i++) {
            events.put("e" + i, new byte[1_000]);
            keys.get("k");
        }

        assertArrayEquals(new byte[1_000], keys.get("k"));
        assertEquals(0, context.counter("myelin.cache.evictions", "keys"));
    }

    @Test
    void stopRemovesTheMeters() {
        Caches caches = start();
        caches.cache(bytes("events")).get("a");
        assertEquals(1, context.counter("myelin.cache.misses", "events"));

        started.removeFirst().stop();

        assertEquals(-1, context.counter("myelin.cache.misses", "events"));
        assertEquals(-1, context.gauge("myelin.cache.occupied.bytes", List.of()));
    }

    @Test
    void askingAgainByNameReturnsTheSameCacheAndOtherTypesAreRefused() {
        Caches caches = start();
        Cache<String, byte[]> first = caches.cache(bytes("events"));

        assertSame(first, caches.cache(bytes("events")));
        assertThrows(IllegalArgumentException.class,
                () -> caches.cache(CacheSpec.of("events", String.class, String.class, String::length)));
    }

    @Test
    void clearForgetsOnlyItsOwnCache() {
        Caches caches = start();
        Cache<String, byte[]> events = caches.cache(bytes("events"));
        Cache<String, byte[]> keys = caches.cache(bytes("keys"));
        events.put("a", new byte[] {1});
        keys.put("a", new byte[] {2});

        events.clear();

        assertNull(events.get("a"));
        assertArrayEquals(new byte[] {2}, keys.get("a"));
    }

    /** A serializable record, as a component would cache. */
    record RoomVersion(String roomId, String version) implements Serializable {
    }

    @Test
    void serializableRecordsSurviveTheOffHeapTier() {
        Caches caches = start(Map.of("cache.max_size_estimated", "1mb", "cache.heap_entries", "1"));
        Cache<String, RoomVersion> cache = caches.cache(CacheSpec.of("room_versions", String.class,
                RoomVersion.class, v -> 64));
        cache.put("!a:x", new RoomVersion("!a:x", "10"));
        cache.put("!b:x", new RoomVersion("!b:x", "11"));

        // With one entry on the heap, at least one of these reads comes back from serialised bytes.
        assertEquals(new RoomVersion("!a:x", "10"), cache.get("!a:x"));
        assertEquals(new RoomVersion("!b:x", "11"), cache.get("!b:x"));
        assertEquals(new RoomVersion("!a:x", "10"), cache.get("!a:x"));
    }

    /** Not serializable: needs a codec. */
    static final class ServerName {
        private final String name;

        ServerName(String name) {
            this.name = name;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ServerName that && that.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    @Test
    void typesThatAreNotSerializableNeedACodec() {
        Caches caches = start(Map.of("cache.max_size_estimated", "1mb", "cache.heap_entries", "1"));
        assertThrows(IllegalArgumentException.class,
                () -> caches.cache(CacheSpec.of("servers", ServerName.class, String.class, String::length)));

        AtomicInteger decoded = new AtomicInteger();
        Codec<ServerName> codec = new Codec<>() {
            @Override
            public byte[] encode(ServerName value) {
                return value.name.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public ServerName decode(byte[] bytes) {
                decoded.incrementAndGet();
                return new ServerName(new String(bytes, StandardCharsets.UTF_8));
            }
        };
        Cache<ServerName, String> cache = caches.cache(
                CacheSpec.of("servers", ServerName.class, String.class, String::length).withKeyCodec(codec));
        cache.put(new ServerName("a.example"), "A");
        cache.put(new ServerName("b.example"), "B");

        assertEquals("A", cache.get(new ServerName("a.example")));
        assertEquals("B", cache.get(new ServerName("b.example")));
        assertTrue(decoded.get() > 0, "the codec should have been used");
    }

    @Test
    void aValueLargerThanTheBudgetIsNotKept() {
        Caches caches = start(Map.of("cache.max_size_estimated", "1mb"));
        Cache<String, byte[]> cache = caches.cache(bytes("media"));
        cache.put("small", new byte[10]);

        cache.put("huge", new byte[2 << 20]);

        assertNull(cache.get("huge"));
        assertTrue(occupied() <= 1 << 20);
    }

    private static List<io.helidon.metrics.api.Tag> tag(String cache) {
        return List.of(io.helidon.metrics.api.Tag.create("cache", cache));
    }
}
