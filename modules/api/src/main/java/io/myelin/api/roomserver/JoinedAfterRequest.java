package io.myelin.api.roomserver;

/**
 * Asks whether a user was joined to a room at some point after an event, as {@code shared} history visibility
 * needs (client-server API, "Room History Visibility").
 *
 * @param userId  the user
 * @param eventId an event of the room
 */
public record JoinedAfterRequest(String userId, String eventId) {
}
