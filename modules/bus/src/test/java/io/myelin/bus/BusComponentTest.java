package io.myelin.bus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.myelin.api.Component;
import io.myelin.api.StartContext;
import io.myelin.api.bus.Bus;
import io.myelin.api.storage.Database;
import io.myelin.testkit.TestServices;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BusComponentTest {

    @Test
    void startsNatsJetStreamWhenServersAreConfigured() throws Exception {
        String url = TestServices.natsUrl();
        String prefix = "MyelinComponent" + Long.toHexString(System.nanoTime());
        Path dir = Files.createTempDirectory("myelin-bus-component");
        Component storage = Components.component("storage");
        Component bus = Components.component("bus");
        Map<String, String> config = Map.of("database.url", "jdbc:sqlite:" + dir.resolve("n.db"),
                "bus.nats.urls", url, "bus.prefix", prefix);
        Map<Class<?>, Object> services = StartContext.newRegistry();
        try (NatsHarness cleanup = new NatsHarness(url, prefix, true, EmbeddedHarness.sqlite())) {
            Components.start(storage, config, dir, services);
            Components.start(bus, config, dir, services);
            try {
                assertTrue(((BusComponent) bus).bus().description().startsWith("NATS JetStream"));
                assertTrue(services.get(Bus.class) != null);
            } finally {
                bus.stop();
                storage.stop();
            }
        }
    }

    @Test
    void startsTheEmbeddedBusOnTheServersDatabaseByDefault() throws Exception {
        Path dir = Files.createTempDirectory("myelin-bus-component");
        Component storage = Components.component("storage");
        Component bus = Components.component("bus");
        assertEquals(Set.of(Bus.class), bus.provides());
        assertEquals(Set.of(Database.class), bus.needs());
        assertEquals("bus", bus.configKey());

        Map<String, String> config = Map.of("database.url", "jdbc:sqlite:" + dir.resolve("c.db"));
        Map<Class<?>, Object> services = StartContext.newRegistry();
        Components.start(storage, config, dir, services);
        try {
            Components.start(bus, config, dir, services);
            Bus started = (Bus) services.get(Bus.class);
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
