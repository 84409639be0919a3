package io.myelin.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;

import io.myelin.api.roomserver.RoomEvent;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class ClientEventsTest {

    @Test
    void clientFormatKeepsWhatClientsReadAndDropsServerFields() {
        JsonObject pdu = Json.createReader(new StringReader("""
                {"type":"m.room.message","room_id":"!r:x","sender":"@a:x","origin_server_ts":5,
                 "content":{"body":"hi"},"depth":3,"prev_events":["$p"],"auth_events":["$c"],
                 "hashes":{"sha256":"h"},"signatures":{"x":{"ed25519:a":"s"}}}
                """)).readObject();
        JsonObject client = ClientEvents.format(new RoomEvent("$e", "!r:x", "11", pdu, false, false, false, null));
        assertEquals("$e", client.getString("event_id"));
        assertEquals("hi", client.getJsonObject("content").getString("body"));
        assertEquals(5, client.getInt("origin_server_ts"));
        assertTrue(client.getJsonObject("unsigned").isEmpty());
        for (String dropped : new String[] {"depth", "prev_events", "auth_events", "hashes", "signatures"}) {
            assertFalse(client.containsKey(dropped), dropped);
        }
    }
}
