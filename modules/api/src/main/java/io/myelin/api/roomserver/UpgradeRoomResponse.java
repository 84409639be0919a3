package io.myelin.api.roomserver;

/**
 * An upgraded room.
 *
 * @param replacementRoom the new room's id
 */
public record UpgradeRoomResponse(String replacementRoom) {
}
