package io.myelin.storage.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.myelin.storage.pool.HikariPool;

/**
 * The storage meters: connections per pool, writers queued for the SQLite writer, and how long writes
 * take (waiting included), so that an operator can see when the database is the bottleneck.
 */
final class StorageMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer writes;

    /**
     * Registers the write timer.
     *
     * @param registry where meters go, or null to keep none
     */
    StorageMeters(MeterRegistry registry) {
        this.registry = registry;
        this.writes = registry == null ? null : add(registry.getOrCreate(Timer.builder("myelin.storage.write")
                .description("Time a write took from its call to its commit, waiting for the writer included")));
    }

    void pool(String name, HikariPool pool) {
        if (registry == null) {
            return;
        }
        List<Tag> tags = List.of(Tag.create("pool", name));
        gauge("myelin.storage.connections.active", "Connections in use", tags, pool,
              p -> stat(p, HikariPoolMXBean::getActiveConnections));
        gauge("myelin.storage.connections.idle", "Connections open and unused", tags, pool,
              p -> stat(p, HikariPoolMXBean::getIdleConnections));
        gauge("myelin.storage.connections.pending", "Callers waiting for a connection", tags, pool,
              p -> stat(p, HikariPoolMXBean::getThreadsAwaitingConnection));
    }

    <T> void gauge(String name, String description, List<Tag> tags, T source, ToDoubleFunction<T> value) {
        if (registry == null) {
            return;
        }
        add(registry.getOrCreate(Gauge.builder(name, source, value).description(description).tags(tags)));
    }

    void write(long nanos) {
        if (writes == null) {
            return;
        }
        writes.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Removes every meter, so that a database opened later registers its own.
     */
    void close() {
        if (registry == null) {
            return;
        }
        meters.forEach(registry::remove);
        meters.clear();
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    // Hikari has no figures for a pool that is closing.
    private static double stat(HikariPool pool, ToIntFunction<HikariPoolMXBean> figure) {
        HikariPoolMXBean stats = pool.stats();
        return stats == null ? 0 : figure.applyAsInt(stats);
    }
}
