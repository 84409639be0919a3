package io.myelin.api.keys;

/**
 * A request about one device.
 *
 * @param userId   the owner
 * @param deviceId the device
 */
public record DeviceKeysRequest(String userId, String deviceId) {
}
