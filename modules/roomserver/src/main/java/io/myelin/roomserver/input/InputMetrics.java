package io.myelin.roomserver.input;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The roomserver's input meters: {@code myelin.roomserver.input} (duration by outcome) and
 * {@code myelin.roomserver.state} (how the state before each event was found).
 */
public final class InputMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /**
     * @param registry the registry, or null for none (some tests)
     */
    public InputMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void input(String outcome, long nanos) {
        if (registry != null) {
            timers.computeIfAbsent(outcome, o -> registry.getOrCreate(Timer.builder("myelin.roomserver.input")
                    .tags(List.of(Tag.create("outcome", o))))).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void statePath(String path) {
        if (registry != null) {
            counters.computeIfAbsent(path, p -> registry.getOrCreate(Counter.builder("myelin.roomserver.state")
                    .tags(List.of(Tag.create("path", p))))).increment();
        }
    }
}
