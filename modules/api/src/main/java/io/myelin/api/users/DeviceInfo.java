package io.myelin.api.users;

/**
 * One device of a user.
 *
 * @param deviceId    the device id
 * @param displayName the display name, or null
 * @param lastSeenTs  when it was last used, in milliseconds since the epoch, or 0 when never
 */
public record DeviceInfo(String deviceId, String displayName, long lastSeenTs) {
}
