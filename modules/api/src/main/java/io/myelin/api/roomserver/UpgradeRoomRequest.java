package io.myelin.api.roomserver;

/**
 * A room to replace by a room of another version, as the client-server API's
 * {@code POST /rooms/{roomId}/upgrade}.
 *
 * @param roomId     the old room
 * @param sender     the local user asking, who must be allowed to send {@code m.room.tombstone} there
 * @param newVersion the version of the replacement room
 */
public record UpgradeRoomRequest(String roomId, String sender, String newVersion) {
}
