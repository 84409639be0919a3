package io.myelin.api.roomserver;

/**
 * A forgotten room.
 *
 * @param roomId the room
 */
public record ForgetResponse(String roomId) {
}
