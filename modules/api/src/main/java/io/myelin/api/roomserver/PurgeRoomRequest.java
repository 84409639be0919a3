package io.myelin.api.roomserver;

/**
 * A room to purge, as a server administrator asks.
 *
 * @param roomId the room
 * @param force  whether to purge it even while users of this server are joined to it
 */
public record PurgeRoomRequest(String roomId, boolean force) {
}
