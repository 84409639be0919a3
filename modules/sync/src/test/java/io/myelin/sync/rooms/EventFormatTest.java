package io.myelin.sync.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class EventFormatTest {

    private static final JsonObject PDU = Json.createReader(new StringReader("""
            {"event_id":"$e","room_id":"!r:x","type":"m.room.message","sender":"@a:x","origin_server_ts":1000,
             "content":{"body":"hi","a.b":{"c":1}},"depth":4,"prev_events":["$p"],"auth_events":[],
             "hashes":{"sha256":"h"},"signatures":{},"unsigned":{"age_ts":5}}""")).readObject();

    private static StreamEvent event(String txnId) {
        return new StreamEvent(7, "!r:x", "$e", "m.room.message", null, "@a:x", PDU, txnId, null);
    }

    private static EventFormat.Reader reader(String userId, String deviceId) {
        return new EventFormat.Reader(userId, deviceId, 1500, null);
    }

    @Test
    void clientFormatDropsServerFieldsAndAddsAge() {
        JsonObject out = EventFormat.CLIENT.render(event(null), reader("@a:x", "D"));
        assertEquals(Set.of("event_id", "room_id", "type", "sender", "origin_server_ts", "content", "unsigned"),
                out.keySet());
        assertEquals(500, out.getJsonObject("unsigned").getInt("age"));
        assertFalse(out.getJsonObject("unsigned").containsKey("age_ts"));
    }

    @Test
    void onlyTheSendingDeviceGetsTheTransactionId() {
        StreamEvent sent = event("3:DEV:txn1");
        assertEquals("txn1", EventFormat.CLIENT.render(sent, reader("@a:x", "DEV")).getJsonObject("unsigned")
                .getString("transaction_id"));
        assertFalse(EventFormat.CLIENT.render(sent, reader("@a:x", "OTHER")).getJsonObject("unsigned")
                .containsKey("transaction_id"));
        assertFalse(EventFormat.CLIENT.render(sent, reader("@b:x", "DEV")).getJsonObject("unsigned")
                .containsKey("transaction_id"));
    }

    @Test
    void eventFieldsKeepOnlyTheNamedPathsWithEscapedDots() {
        JsonObject filter = Json.createReader(new StringReader(
                "{\"event_fields\":[\"type\",\"content.a\\\\.b\"]}")).readObject();
        JsonObject out = EventFormat.of(filter).render(event(null), reader("@a:x", "D"));
        assertEquals(Set.of("type", "content"), out.keySet());
        assertEquals(Set.of("a.b"), out.getJsonObject("content").keySet());
    }

    @Test
    void federationFormatKeepsTheWholeEvent() {
        JsonObject filter = Json.createReader(new StringReader("{\"event_format\":\"federation\"}")).readObject();
        JsonObject out = EventFormat.of(filter).render(event(null), reader("@a:x", "D"));
        assertTrue(out.containsKey("hashes") && out.containsKey("prev_events") && out.containsKey("depth"));
    }
}
