package io.myelin.api.roomserver;

import java.util.List;

/**
 * Room state.
 *
 * @param roomId      the room
 * @param roomVersion the room's version, or null when the room is unknown
 * @param events      the state events, redaction applied
 */
public record StateResponse(String roomId, String roomVersion, List<RoomEvent> events) {
}
