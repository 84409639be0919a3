package io.myelin.protocol.event;

import java.util.List;

import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.CanonicalJson;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HashedEventTest {

    private static final SigningKey KEY = SigningKey.generate("k1");

    private static List<JsonObject> events() {
        return List.of(
                PduTest.json("""
                        {"event_id": "$e:example.org", "room_id": "!r:example.org", "sender": "@u:example.org",
                         "origin_server_ts": 5, "type": "m.room.message",
                         "content": {"body": "hé \\u2603 \\ud83d\\ude00", "msgtype": "m.text"},
                         "prev_events": ["$p"], "auth_events": ["$a1", "$a2"], "depth": 7}"""),
                PduTest.json("""
                        {"event_id": "$c:example.org", "sender": "@u:example.org", "origin_server_ts": 5,
                         "type": "m.room.create", "state_key": "", "content": {"room_version": "12"},
                         "prev_events": [], "auth_events": [], "depth": 1}"""),
                PduTest.json("""
                        {"event_id": "$s:example.org", "room_id": "!r:example.org", "sender": "@u:example.org",
                         "origin_server_ts": 5, "type": "m.room.member", "state_key": "@u:example.org",
                         "content": {"membership": "join"}, "prev_events": ["$p"], "auth_events": [], "depth": 2,
                         "signatures": {"other.org": {"ed25519:o": "sig"}}, "unsigned": {"age": 1}}"""));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void signingOnceGivesWhatHashingSigningAndParsingGave(RoomVersion version) {
        for (JsonObject event : events()) {
            Pdu expected;
            try {
                expected = Pdu.parse(version, EventSigning.hashAndSign(event, version, "example.org", KEY));
            } catch (ProtocolException e) {
                // Not an event of this version (a create without a room id before version 12, say): refused alike.
                assertThrows(ProtocolException.class, () -> HashedEvent.of(version, event).sign("example.org", KEY));
                continue;
            }
            HashedEvent hashed = HashedEvent.of(version, event);
            Pdu signed = hashed.sign("example.org", KEY);
            assertEquals(expected.json(), signed.json());
            assertEquals(expected.eventId(), hashed.eventId());
            assertEquals(expected.eventId(), signed.eventId());
            assertArrayEquals(EventHashes.referenceHash(signed.json(), version), hashed.referenceHash());
            assertEquals(expected.roomId(), signed.roomId());
            assertEquals(CanonicalJson.encode(signed.json()).length, signed.canonicalSize());
            assertEquals(CanonicalJson.encode(expected.json()).length, expected.canonicalSize());
        }
    }
}
