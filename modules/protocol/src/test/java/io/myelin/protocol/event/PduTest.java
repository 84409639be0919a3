package io.myelin.protocol.event;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonParser;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.json.UnpaddedBase64;
import io.myelin.protocol.crypto.Sha256;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduTest {

    static JsonObject json(String text) {
        return JsonParser.create().parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void contentHashesMatchTheAppendixVectors() {
        JsonObject minimal = json("""
                {"room_id": "!x:domain", "sender": "@a:domain", "origin": "domain", "origin_server_ts": 1000000,
                 "signatures": {}, "hashes": {}, "type": "X", "content": {}, "prev_events": [], "auth_events": [],
                 "depth": 3, "unsigned": {"age_ts": 1000000}}""");
        assertEquals("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos",
                UnpaddedBase64.encode(EventHashes.contentHash(minimal, RoomVersion.V1)));
        JsonObject message = json("""
                {"content": {"body": "Here is the message content"}, "event_id": "$0:domain", "origin": "domain",
                 "origin_server_ts": 1000000, "type": "m.room.message", "room_id": "!r:domain",
                 "sender": "@u:domain", "signatures": {}, "unsigned": {"age_ts": 1000000}}""");
        assertEquals("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g",
                UnpaddedBase64.encode(EventHashes.contentHash(message, RoomVersion.V1)));
        assertTrue(EventHashes.contentHashMatches(EventHashes.withContentHash(message, RoomVersion.V1),
                RoomVersion.V1));
        assertFalse(EventHashes.contentHashMatches(message, RoomVersion.V1));
    }

    static JsonObject v3Event(String type, String extra) {
        return json("""
                {"room_id": "!r:example.org", "sender": "@u:example.org", "origin_server_ts": 5,
                 "type": "%s", "content": {"body": "hi"%s}, "prev_events": ["$p"], "auth_events": ["$a1", "$a2"],
                 "depth": 7, "hashes": {"sha256": "x"}, "signatures": {}, "unsigned": {"age": 3}}"""
                .formatted(type, extra));
    }

    @Test
    void versionThreeAndLaterDeriveTheEventIdFromTheReferenceHash() {
        JsonObject event = v3Event("m.room.message", "");
        byte[] expected = Sha256.digest(CanonicalJson.encode(json("""
                {"room_id": "!r:example.org", "sender": "@u:example.org", "origin_server_ts": 5,
                 "type": "m.room.message", "content": {}, "prev_events": ["$p"], "auth_events": ["$a1", "$a2"],
                 "depth": 7, "hashes": {"sha256": "x"}}""")));
        Pdu v3 = Pdu.parse(RoomVersion.V3, event);
        assertEquals("$" + UnpaddedBase64.encode(expected), v3.eventId());
        Pdu v4 = Pdu.parse(RoomVersion.V4, event);
        assertEquals("$" + UnpaddedBase64.encodeUrlSafe(expected), v4.eventId());
        assertEquals(List.of("$p"), v4.prevEventIds());
        assertEquals(List.of("$a1", "$a2"), v4.authEventIds());
        assertEquals(7, v4.depth());
        assertEquals(5, v4.originServerTs());
        assertEquals("!r:example.org", v4.roomId());
        assertNull(v4.stateKey());
        assertFalse(v4.isState());
    }

    @Test
    void versionOneTakesTheEventIdAndReferencePairsFromTheJson() {
        JsonObject event = json("""
                {"event_id": "$e:example.org", "room_id": "!r:example.org", "sender": "@u:example.org",
                 "origin_server_ts": 5, "type": "m.room.redaction", "redacts": "$x:example.org", "content": {},
                 "prev_events": [["$p:example.org", {"sha256": "abc"}]], "auth_events": [], "depth": 1,
                 "hashes": {}, "signatures": {}}""");
        Pdu pdu = Pdu.parse(RoomVersion.V1, event);
        assertEquals("$e:example.org", pdu.eventId());
        assertEquals(List.of("$p:example.org"), pdu.prevEventIds());
        assertEquals("$x:example.org", pdu.redacts());
        assertThrows(ProtocolException.class, () -> Pdu.parse(RoomVersion.V3, event));
        JsonObject noId = JsonSupport.objectBuilder(event).remove("event_id").build();
        assertThrows(ProtocolException.class, () -> Pdu.parse(RoomVersion.V2, noId));
    }

    @Test
    void versionElevenTakesRedactsFromContent() {
        JsonObject event = v3Event("m.room.redaction", ", \"redacts\": \"$target\"");
        assertEquals("$target", Pdu.parse(RoomVersion.V11, event).redacts());
        assertNull(Pdu.parse(RoomVersion.V10, event).redacts());
    }

    @Test
    void versionTwelveCreateEventNamesTheRoom() {
        JsonObject create = json("""
                {"sender": "@u:example.org", "origin_server_ts": 5, "type": "m.room.create", "state_key": "",
                 "content": {"room_version": "12"}, "prev_events": [], "auth_events": [], "depth": 1,
                 "hashes": {"sha256": "x"}, "signatures": {}}""");
        Pdu pdu = Pdu.parse(RoomVersion.V12, create);
        byte[] hash = EventHashes.referenceHash(create, RoomVersion.V12);
        assertEquals("$" + UnpaddedBase64.encodeUrlSafe(hash), pdu.eventId());
        assertEquals("!" + UnpaddedBase64.encodeUrlSafe(hash), pdu.roomId());
        assertTrue(pdu.isState());
        assertThrows(ProtocolException.class, () -> Pdu.parse(RoomVersion.V11, create));
    }

    @Test
    void malformedFieldsAreRefused() {
        JsonObject good = v3Event("m.room.message", "");
        for (String field : new String[] {"type", "sender", "room_id", "content", "depth", "origin_server_ts",
                "prev_events", "auth_events", "hashes", "signatures"}) {
            JsonObject missing = JsonSupport.objectBuilder(good).remove(field).build();
            assertThrows(ProtocolException.class, () -> Pdu.parse(RoomVersion.V10, missing), field);
            JsonObject wrongType = JsonSupport.objectBuilder(good).add(field, true).build();
            assertThrows(ProtocolException.class, () -> Pdu.parse(RoomVersion.V10, wrongType), field);
        }
        JsonObject floatDepth = JsonSupport.objectBuilder(good).add("depth", 1.5).build();
        assertThrows(ProtocolException.class, () -> Pdu.parse(RoomVersion.V10, floatDepth));
    }
}
