package io.myelin.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.myelin.api.ComponentContext;
import io.myelin.api.ServerIdentity;

/** A component context with a movable clock, a fresh meter registry and configuration from a map. */
final class TestContext implements ComponentContext {

    private final Config root;
    private final MovableClock clock = new MovableClock();
    /** One registry for all tests, as in the server; each test's stop() removes what it registered. */
    private static final MeterRegistry METERS = MeterRegistry.create();

    private final MeterRegistry meters = METERS;
    private final Map<Class<?>, Object> services = new HashMap<>();

    TestContext(Map<String, String> config) {
        root = Config.just(ConfigSources.create(config));
    }

    static Config section(Map<String, String> config) {
        return Config.just(ConfigSources.create(config)).get("cache");
    }

    MovableClock movableClock() {
        return clock;
    }

    long counter(String name, String cache) {
        return meters.counter(name, List.of(Tag.create("cache", cache))).map(Counter::count).orElse(-1L);
    }

    double gauge(String name, List<Tag> tags) {
        return meters.gauge(name, tags).map(g -> ((Gauge<?>) g).value().doubleValue()).orElse(-1.0);
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
        throw new UnsupportedOperationException("the cache needs no identity");
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
        services.put(type, service);
    }

    @Override
    public <T> T require(Class<T> type) {
        Object service = services.get(type);
        if (service == null) {
            throw new IllegalStateException("nothing provides " + type.getName());
        }
        return type.cast(service);
    }

    /** A clock that only moves when a test moves it. */
    static final class MovableClock extends Clock {

        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
