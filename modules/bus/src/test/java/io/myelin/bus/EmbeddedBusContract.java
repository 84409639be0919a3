package io.myelin.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.bus.Message;

import io.myelin.api.storage.Database;
import io.myelin.bus.dispatch.ManagedBus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the embedded log promises beyond the shared semantics.
 */
abstract class EmbeddedBusContract extends BusContract {

    @Test
    void rowsEveryConsumerAcknowledgedAreDeleted() throws Exception {
        ManagedBus bus = open(harness().settings());
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe("Retention", "one", m -> {
            m.ack();
            handled.incrementAndGet();
        });
        bus.subscribe("Retention", "two", m -> {
            m.ack();
            handled.incrementAndGet();
        });

        for (int i = 0; i < 300; i++) {
            bus.publish("Retention", "!room:example.org", bytes(i));
        }

        await(() -> handled.get() == 600);
        Database database = ((EmbeddedHarness.WithStorage) bus).database();
        await(() -> rows(database) < 100);
        assertTrue(rows(database) < 100, "at most a pruning batch is left");
    }

    @Test
    void consumersCanSubscribeWhilePublishersAreBusy() throws Exception {
        ManagedBus bus = open(harness().settings());
        bus.subscribe("Busy", "first", Message::ack);
        AtomicInteger published = new AtomicInteger();
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            publishers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100; i++) {
                    bus.publish("Busy", "!room" + i % 5 + ":example.org", bytes(i));
                    published.incrementAndGet();
                }
            }));
        }

        List<AtomicInteger> counts = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            AtomicInteger count = new AtomicInteger();
            counts.add(count);
            bus.subscribe("Busy", "late" + c, m -> {
                count.incrementAndGet();
                m.ack();
            });
        }
        for (Thread publisher : publishers) {
            publisher.join(Duration.ofSeconds(20));
        }

        assertEquals(400, published.get(), "every publisher finished");
        bus.publish("Busy", "!last:example.org", bytes(-1));
        await(() -> counts.stream().allMatch(n -> n.get() > 0));
    }

    @Test
    void publishersInsideWritesDoNotStallConsumersThatWrite() throws Exception {
        int limit = 8;
        int threads = 4;
        int perThread = 60;
        ManagedBus bus = open(harness().settings().withLimits(limit, 5));
        Database database = ((EmbeddedHarness.WithStorage) bus).database();
        database.write(tx -> tx.dml("CREATE TABLE pressure_seen (name TEXT PRIMARY KEY)"));
        AtomicInteger handled = new AtomicInteger();
        for (String durable : List.of("first", "second")) {
            bus.subscribe("WritePressure", durable, Duration.ofSeconds(30), m -> {
                database.write(tx -> tx.dml("INSERT INTO pressure_seen (name) VALUES (?) ON CONFLICT DO NOTHING",
                        durable + "/" + value(m)));
                m.ack();
                handled.incrementAndGet();
            });
        }

        AtomicInteger published = new AtomicInteger();
        List<Thread> publishers = new ArrayList<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            publishers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        int n = base + i;
                        database.write(tx -> {
                            tx.dml("INSERT INTO pressure_seen (name) VALUES (?)", "published/" + n);
                            return bus.publish("WritePressure", "!room" + n % 3 + ":example.org", bytes(n));
                        });
                        published.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread publisher : publishers) {
            publisher.join(Duration.ofSeconds(20));
        }

        assertEquals(List.of(), failures, "no publish failed");
        assertEquals(threads * perThread, published.get(), "every publisher finished within 20 s");
        await(() -> handled.get() == 2 * threads * perThread);
        assertTrue(bus.publisherWaits() > 0, "publishers were held back");
        long stored = database.client().execute()
                .get("SELECT COUNT(*) AS n FROM pressure_seen WHERE name NOT LIKE 'published/%'")
                .map(r -> ((Number) r.column("n").get()).longValue()).orElseThrow();
        assertEquals(2L * threads * perThread, stored, "each consumer wrote every message once");
    }

    private static long rows(Database database) {
        return database.client().execute()
                .get("SELECT COUNT(*) AS n FROM bus_messages WHERE stream = ?", "Retention")
                .map(r -> ((Number) r.column("n").get()).longValue())
                .orElseThrow();
    }
}
