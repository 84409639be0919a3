package io.myelin.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

/** Rule 1.2 of room version 12 on parsed events: the create event names no room, the room is named after it. */
class CreateEventFormatTest {

    private static final String ALICE = "@alice:example.org";

    @Test
    void v12CreateEventWithoutRoomIdIsAllowed() {
        Pdu pdu = Pdu.parse(RoomVersion.V12, create().build());

        assertTrue(AuthRules.of(RoomVersion.V12).check(pdu, (type, key) -> null).allowed());
        assertEquals("!" + pdu.eventId().substring(1), pdu.roomId());
    }

    @Test
    void v12CreateEventNamingARoomIsRejected() {
        Pdu pdu = Pdu.parse(RoomVersion.V12, create().add("room_id", "!chosen:example.org").build());

        AuthResult result = AuthRules.of(RoomVersion.V12).check(pdu, (type, key) -> null);

        assertEquals("create.room_id", ((AuthResult.Rejected) result).rule());
    }

    private static JsonObjectBuilder create() {
        JsonObject content = JsonSupport.objectBuilder().add("room_version", "12").build();
        return JsonSupport.objectBuilder().add("type", "m.room.create").add("state_key", "").add("sender", ALICE)
                .add("content", content).add("depth", 1).add("origin_server_ts", 1)
                .add("prev_events", JsonSupport.arrayBuilder()).add("auth_events", JsonSupport.arrayBuilder())
                .add("hashes", JsonSupport.objectBuilder()).add("signatures", JsonSupport.objectBuilder());
    }
}
