package io.myelin.api.roomserver;

/**
 * A room to ask about.
 *
 * @param roomId the room
 */
public record RoomRequest(String roomId) {
}
