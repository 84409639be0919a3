package io.myelin.api.roomserver;

/**
 * A user's membership of a room, as the room's current state has it.
 *
 * @param roomId     the room
 * @param userId     the user
 * @param membership {@code join}, {@code invite}, {@code leave}, {@code ban} or {@code knock}
 * @param sender     who sent the membership event
 * @param eventId    the membership event
 * @param forgotten  whether the user, having left, forgot the room
 */
public record Membership(String roomId, String userId, String membership, String sender, String eventId,
                         boolean forgotten) {
}
