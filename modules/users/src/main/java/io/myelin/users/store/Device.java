package io.myelin.users.store;

/**
 * A row of {@code users_devices}.
 *
 * @param deviceId    the device id
 * @param displayName the name the user gave it, or null
 * @param lastSeenTs  when a token of it was last issued, in milliseconds since the epoch, or null
 * @param lastSeenIp  the address it was last seen from, or null
 */
public record Device(String deviceId, String displayName, Long lastSeenTs, String lastSeenIp) {
}
