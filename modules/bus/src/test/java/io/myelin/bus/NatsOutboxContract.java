package io.myelin.bus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.bus.Message;
import io.myelin.api.storage.Database;
import io.myelin.bus.dispatch.ManagedBus;
import io.myelin.bus.nats.SubjectTokens;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The NATS bus's outbox in the server's database: what a publish inside a write leaves there, and what the
 * bus does with rows a crash left, on each database.
 */
abstract class NatsOutboxContract {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROOM = "!room:example.org";

    private final List<ManagedBus> opened = new ArrayList<>();

    /** The backend under test, made once per test class. */
    abstract NatsHarness harness();

    @AfterEach
    void closeBuses() {
        opened.reversed().forEach(ManagedBus::close);
        opened.clear();
    }

    @Test
    void aCommittedPublishIsSentOnceAndItsRowDeleted() throws Exception {
        ManagedBus bus = open();
        Database database = BusContract.database(bus);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("Committed", "reader", m -> {
            seen.add(BusContract.value(m));
            m.ack();
        });

        assertThrows(IllegalStateException.class, () -> database.write(tx -> {
            bus.publish("Committed", ROOM, BusContract.bytes(1));
            assertEquals(1, rows(tx), "the row is part of the write");
            throw new IllegalStateException("roll back on purpose");
        }));
        assertEquals(0, rows(database), "a rolled-back write leaves no row");
        database.write(tx -> bus.publish("Committed", ROOM, BusContract.bytes(2)));
        bus.publish("Committed", ROOM, BusContract.bytes(3));

        await(() -> seen.contains(3));
        assertEquals(List.of(2, 3), seen, "only the committed message, once");
        await(() -> rows(database) == 0);
    }

    @Test
    void rowsACrashLeftAreSentFirstInOrderAndOnce() throws Exception {
        ManagedBus first = open();
        Database database = BusContract.database(first);
        // The durable consumer exists, so that the stream keeps what is published for it.
        first.subscribe("Leftover", "reader", Message::ack).close();
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        database.write(tx -> {
            for (int i = 0; i < ids.size(); i++) {
                tx.insert("INSERT INTO bus_outbox (msg_id, stream, subject, payload) VALUES (?, ?, ?, ?)",
                        ids.get(i), "Leftover", ROOM, BusContract.bytes(i));
            }
            return null;
        });
        // The crash came after the first row was sent and before its delete.
        PublishAck sent = sendDirectly("Leftover", ids.getFirst(), BusContract.bytes(0));
        assertFalse(sent.isDuplicate());
        close(first);

        ManagedBus second = open();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        second.subscribe("Leftover", "reader", m -> {
            seen.add(BusContract.value(m));
            m.ack();
        });
        second.publish("Leftover", ROOM, BusContract.bytes(3));

        await(() -> seen.contains(3));
        assertEquals(List.of(0, 1, 2, 3), seen, "each left row once, in order, before newer messages");
        await(() -> rows(BusContract.database(second)) == 0);
    }

    private ManagedBus open() {
        ManagedBus bus = harness().open(harness().settings());
        opened.add(bus);
        return bus;
    }

    private void close(ManagedBus bus) {
        opened.remove(bus);
        bus.close();
    }

    /** Publishes as the bus would, with a message id, from a connection of its own. */
    private PublishAck sendDirectly(String stream, String msgId, byte[] payload)
            throws IOException, JetStreamApiException, InterruptedException {
        String subject = harness().prefix() + "." + stream + "." + SubjectTokens.encode(ROOM);
        try (Connection connection = Nats.connect(harness().url())) {
            return connection.jetStream().publish(subject, payload,
                    PublishOptions.builder().messageId(msgId).build());
        }
    }

    private static long rows(Database database) {
        return database.client().execute()
                .get("SELECT COUNT(*) AS n FROM bus_outbox")
                .map(r -> ((Number) r.column("n").get()).longValue())
                .orElseThrow();
    }

    private static long rows(DbExecute tx) {
        return tx.get("SELECT COUNT(*) AS n FROM bus_outbox")
                .map(r -> ((Number) r.column("n").get()).longValue())
                .orElseThrow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }
}
