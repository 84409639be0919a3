package io.myelin.api.roomserver;

/**
 * What the roomserver knows of a room.
 *
 * @param roomId      the room
 * @param known       whether this server has the room at all
 * @param roomVersion the version, or null when unknown
 * @param stub        whether it knows the room only through outliers or invites, without its state
 */
public record RoomInfo(String roomId, boolean known, String roomVersion, boolean stub) {
}
