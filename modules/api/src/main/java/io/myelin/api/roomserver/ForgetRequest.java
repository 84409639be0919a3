package io.myelin.api.roomserver;

/**
 * A room a user no longer wants to hear of, as the client-server API's {@code POST /rooms/{roomId}/forget}.
 *
 * @param roomId the room
 * @param userId the local user, who must have left or been banned
 */
public record ForgetRequest(String roomId, String userId) {
}
