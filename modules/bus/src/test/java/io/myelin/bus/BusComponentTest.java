package io.myelin.bus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.myelin.api.Component;
import io.myelin.api.bus.Bus;
import io.myelin.api.storage.Database;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BusComponentTest {

    @Test
    void startsNatsJetStreamWhenServersAreConfigured() throws Exception {
        String url = Backends.natsUrl();
        String prefix = "MyelinComponent" + Long.toHexString(System.nanoTime());
        Path dir = Files.createTempDirectory("myelin-bus-component");
        Component storage = TestContext.component("storage");
        Component bus = TestContext.component("bus");
        TestContext storageContext = new TestContext(Map.of("url", "jdbc:sqlite:" + dir.resolve("n.db")), dir);
        TestContext context = new TestContext(Map.of("nats.urls", url, "prefix", prefix), dir);
        try (NatsHarness cleanup = new NatsHarness(url, prefix, true, EmbeddedHarness.sqlite())) {
            storage.start(storageContext);
            context.provide(Database.class, storageContext.require(Database.class));
            bus.start(context);
            try {
                assertTrue(((BusComponent) bus).bus().description().startsWith("NATS JetStream"));
                assertTrue(context.require(Bus.class) != null);
            } finally {
                bus.stop();
                storage.stop();
            }
        }
    }

    @Test
    void startsTheEmbeddedBusOnTheServersDatabaseByDefault() throws Exception {
        Path dir = Files.createTempDirectory("myelin-bus-component");
        Component storage = TestContext.component("storage");
        Component bus = TestContext.component("bus");
        assertEquals(Set.of(Bus.class), bus.provides());
        assertEquals(Set.of(Database.class), bus.needs());
        assertEquals("bus", bus.configKey());

        TestContext storageContext = new TestContext(Map.of("url", "jdbc:sqlite:" + dir.resolve("c.db")), dir);
        storage.start(storageContext);
        TestContext busContext = new TestContext(Map.of(), dir);
        busContext.provide(Database.class, storageContext.require(Database.class));
        try {
            bus.start(busContext);
            Bus started = busContext.require(Bus.class);
            assertTrue(((BusComponent) bus).bus().description().contains("embedded"));
            java.util.concurrent.CountDownLatch got = new java.util.concurrent.CountDownLatch(1);
            started.subscribe("Component", "reader", m -> {
                m.ack();
                got.countDown();
            });
            started.publish("Component", "s", "x".getBytes(StandardCharsets.UTF_8));
            assertTrue(got.await(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            bus.stop();
            storage.stop();
        }
    }
}
