package io.myelin.bus;

import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.storage.Database;
import io.myelin.bus.dispatch.ManagedBus;
import org.junit.jupiter.api.Test;

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

    private static long rows(Database database) {
        return database.client().execute()
                .get("SELECT COUNT(*) AS n FROM bus_messages WHERE stream = ?", "Retention")
                .map(r -> ((Number) r.column("n").get()).longValue())
                .orElseThrow();
    }
}
