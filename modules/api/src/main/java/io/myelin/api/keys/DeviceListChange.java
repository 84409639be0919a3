package io.myelin.api.keys;

/**
 * A change to a local user's device list, published on the bus stream {@code OutputKeyChangeEvent} with the
 * user id as subject and this record as JSON. Sync turns it into {@code device_lists.changed}; federation
 * will send it as {@code m.device_list_update}.
 *
 * @param userId   the user
 * @param deviceId the device, or null for a change to the user's cross-signing keys
 * @param kind     one of the constants below
 */
public record DeviceListChange(String userId, String deviceId, String kind) {

    /** A device was deleted (by the users component). */
    public static final String DEVICE_DELETED = "device_deleted";
    /** A device's display name changed (by the users component). */
    public static final String DEVICE_UPDATED = "device_updated";
    /** A device uploaded or changed its identity keys, or they gained a signature (by the keys component). */
    public static final String DEVICE_KEYS = "device_keys";
    /** The user's cross-signing keys changed (by the keys component). */
    public static final String CROSS_SIGNING = "cross_signing";
}
