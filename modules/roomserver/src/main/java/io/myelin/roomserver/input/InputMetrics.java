package io.myelin.roomserver.input;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The roomserver's input meters: {@code myelin.roomserver.input} (duration by outcome),
 * {@code myelin.roomserver.state} (how the state before each event was found), and the backlog of the room
 * queues: {@code myelin.roomserver.backlog.tasks} (inputs and local events queued or running) and
 * {@code myelin.roomserver.backlog.rooms} (rooms with such work); and {@code myelin.roomserver.room_contexts},
 * the rooms whose current state is in memory.
 */
public final class InputMetrics {

    /** The gauge of queued tasks. */
    public static final String BACKLOG_TASKS = "myelin.roomserver.backlog.tasks";
    /** The gauge of rooms with work queued. */
    public static final String BACKLOG_ROOMS = "myelin.roomserver.backlog.rooms";
    /** The gauge of room contexts in memory. */
    public static final String ROOM_CONTEXTS = "myelin.roomserver.room_contexts";

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong rooms = new AtomicLong();

    /**
     * @param registry the registry, or null for none (some tests)
     * @param contexts how many room contexts are in memory
     */
    public InputMetrics(MeterRegistry registry, IntSupplier contexts) {
        this.registry = registry;
        if (registry != null) {
            // A gauge reads the object it was made with: a roomserver started again in the same process (tests
            // restart one) replaces the earlier one's gauges rather than reporting the stopped queues.
            registry.remove(BACKLOG_TASKS, List.of());
            registry.remove(BACKLOG_ROOMS, List.of());
            registry.remove(ROOM_CONTEXTS, List.of());
            registry.getOrCreate(Gauge.builder(BACKLOG_TASKS, tasks, AtomicLong::doubleValue));
            registry.getOrCreate(Gauge.builder(BACKLOG_ROOMS, rooms, AtomicLong::doubleValue));
            registry.getOrCreate(Gauge.builder(ROOM_CONTEXTS, contexts, IntSupplier::getAsInt));
        }
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

    /**
     * A task joined a room's queue.
     *
     * @param newRoom whether the room had no work before
     */
    void queued(boolean newRoom) {
        tasks.incrementAndGet();
        if (newRoom) {
            rooms.incrementAndGet();
        }
    }

    /**
     * Tasks of a room's queue are done.
     *
     * @param count how many
     */
    void done(int count) {
        tasks.addAndGet(-count);
    }

    /** A room's queue emptied and its worker ended. */
    void roomIdle() {
        rooms.decrementAndGet();
    }
}
