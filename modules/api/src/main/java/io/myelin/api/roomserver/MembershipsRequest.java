package io.myelin.api.roomserver;

/**
 * Memberships to read: of a room, of a user, or of a user in a room.
 *
 * @param roomId     the room, or null for every room of the user
 * @param userId     the user, or null for every member of the room
 * @param membership only this membership ({@code join}, {@code invite}, ...), or null for all
 */
public record MembershipsRequest(String roomId, String userId, String membership) {
}
