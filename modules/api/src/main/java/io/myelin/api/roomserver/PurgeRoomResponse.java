package io.myelin.api.roomserver;

/**
 * A purged room.
 *
 * @param roomId the room
 * @param events how many of its events were deleted
 */
public record PurgeRoomResponse(String roomId, int events) {
}
