package io.myelin.protocol.event;

import java.util.Set;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.id.EventId;
import io.myelin.protocol.id.RoomId;
import io.myelin.protocol.json.JsonSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientEventsTest {

    @Test
    void clientFormatKeepsOnlyClientFieldsAndAddsTheEventId() {
        Pdu pdu = Pdu.signNew(RoomVersion.V10, PduValidatorTest.unsignedEvent(RoomVersion.V10, "m.room.message",
                JsonSupport.objectBuilder().add("body", "hi").build()), "origin.test", PduValidatorTest.ORIGIN_KEY);
        JsonObject unsigned = JsonSupport.objectBuilder().add("age", 5).build();
        JsonObject client = ClientEvents.clientEvent(pdu, unsigned);
        assertEquals(Set.of("event_id", "room_id", "sender", "type", "origin_server_ts", "content", "unsigned"),
                client.keySet());
        assertEquals(pdu.eventId(), client.getString("event_id"));
        assertEquals(unsigned, client.getJsonObject("unsigned"));
    }

    @Test
    void newServerScopedIdsFollowTheGrammar() {
        assertTrue(EventId.isValid(EventIds.newServerScopedId("example.org"), RoomVersion.V1));
        assertEquals("example.org", RoomId.parse(EventIds.newServerScopedRoomId("example.org"), RoomVersion.V11)
                .serverName().orElseThrow().toString());
    }

    @Test
    void signNewProducesAnEventThatPassesTheChecksOnReceipt() {
        Pdu pdu = Pdu.signNew(RoomVersion.V12, PduValidatorTest.unsignedEvent(RoomVersion.V12, "m.room.message",
                JsonSupport.objectBuilder().build()), "origin.test", PduValidatorTest.ORIGIN_KEY);
        assertEquals(PduCheck.Outcome.ACCEPT, PduValidator.check(RoomVersion.V12, pdu.json(),
                PduValidatorTest.keys(Long.MAX_VALUE)).outcome());
    }
}
