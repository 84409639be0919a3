package io.myelin.api.roomserver;

/**
 * A created room.
 *
 * @param roomId    the room id
 * @param roomAlias the alias created with it, or null
 */
public record CreateRoomResponse(String roomId, String roomAlias) {
}
