package io.myelin.api.roomserver;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * One event to add to a room.
 *
 * @param kind           how it joins the room
 * @param roomVersion    the room's version, needed when the room is new to this server; may be null otherwise
 * @param event          the event JSON (a PDU, signed)
 * @param origin         the server it came from, or null for this one
 * @param stateEventIds  the state before the event as event ids, when the sender supplies it (for example after
 *                       a join over federation); null when the roomserver works it out from the graph
 */
public record InputRoomEvent(InputKind kind, String roomVersion, JsonObject event, String origin,
                             List<String> stateEventIds) {
}
