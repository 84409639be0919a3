package io.myelin.bus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.myelin.api.ConfigProblems;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BusSettingsTest {

    @Test
    void emptySectionMeansTheEmbeddedBusWithDefaults() {
        ConfigProblems problems = new ConfigProblems();
        BusSettings.verify(section(Map.of()), problems);
        BusSettings settings = BusSettings.from(section(Map.of()));

        assertTrue(problems.isEmpty(), problems.list().toString());
        assertFalse(settings.nats());
        assertEquals(BusSettings.defaults(), settings);
    }

    @Test
    void everyKeyIsRead() {
        BusSettings settings = BusSettings.from(section(Map.of(
                "prefix", "Test_1",
                "nats.urls", "nats://a:4222, nats://b:4222",
                "nats.credentials", "/etc/myelin/nats.creds",
                "max_pending", "50",
                "max_in_flight", "7",
                "ack_timeout", "45s",
                "nak_delay", "250ms",
                "drain_timeout", "PT2M")));

        assertEquals("Test_1", settings.prefix());
        assertEquals(List.of("nats://a:4222", "nats://b:4222"), settings.natsUrls());
        assertEquals("/etc/myelin/nats.creds", settings.natsCredentials().orElseThrow());
        assertEquals(50, settings.maxPending());
        assertEquals(7, settings.maxInFlight());
        assertEquals(Duration.ofSeconds(45), settings.ackTimeout());
        assertEquals(Duration.ofMillis(250), settings.nakDelay());
        assertEquals(Duration.ofMinutes(2), settings.drainTimeout());
        assertTrue(settings.nats());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigProblems problems = new ConfigProblems();
        BusSettings.verify(section(Map.of(
                "prefix", "my.prefix",
                "nats.urls", "http://user:secret@host",
                "nats.token", "x",
                "max_pending", "-1",
                "max_in_flight", "many",
                "ack_timeout", "soon",
                "nak_delay", "0s",
                "colour", "blue")), problems);

        List<String> list = problems.list();
        assertEquals(8, list.size(), list.toString());
        assertTrue(list.stream().anyMatch(p -> p.startsWith("bus.colour: unknown key")), list.toString());
        assertTrue(list.stream().anyMatch(p -> p.startsWith("bus.nats.token: unknown key")), list.toString());
        assertTrue(list.stream().noneMatch(p -> p.contains("secret")), "no credentials in messages: " + list);
    }

    @Test
    void credentialsInUrlsAreHidden() {
        assertEquals("nats://***@host:4222", NatsUrls.redact("nats://me:secret@host:4222"));
        assertEquals("nats://host:4222", NatsUrls.redact("nats://host:4222"));
    }

    private static Config section(Map<String, String> values) {
        Map<String, String> prefixed = new java.util.HashMap<>();
        values.forEach((k, v) -> prefixed.put("bus." + k, v));
        return Config.builder()
                .addSource(ConfigSources.create(prefixed))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build()
                .get("bus");
    }
}
