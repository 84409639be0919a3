package io.myelin.users.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class ClientDataEventsTest {

    private record Published(String stream, String subject, String payload) {
    }

    @Test
    void changesArePublishedPerUserOnOutputClientData() {
        List<Published> published = new ArrayList<>();
        Bus bus = new Bus() {
            @Override
            public long publish(String stream, String subject, byte[] payload) {
                published.add(new Published(stream, subject, new String(payload, StandardCharsets.UTF_8)));
                return published.size();
            }

            @Override
            public Subscription subscribe(String stream, String durable, Duration ackTimeout, MessageHandler handler) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Subscription subscribe(String stream, String durable, MessageHandler handler) {
                throw new UnsupportedOperationException();
            }
        };

        new ClientDataEvents(bus).changed("@a:example.org", "!r:example.org", "m.tag");

        assertEquals(1, published.size());
        assertEquals(Streams.OUTPUT_CLIENT_DATA, published.get(0).stream());
        assertEquals("@a:example.org", published.get(0).subject());
        JsonObject payload = jakarta.json.Json.createReader(new StringReader(published.get(0).payload())).readObject();
        assertEquals("@a:example.org", payload.getString("user_id"));
        assertEquals("!r:example.org", payload.getString("room_id"));
        assertEquals("m.tag", payload.getString("type"));
    }
}
