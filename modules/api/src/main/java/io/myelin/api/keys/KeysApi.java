package io.myelin.api.keys;

/**
 * What the keys component tells others about a device's end-to-end-encryption keys.
 */
public interface KeysApi {

    /**
     * The counts sync reports as {@code device_one_time_keys_count} and
     * {@code device_unused_fallback_key_types}.
     *
     * @param request the device
     * @return its unclaimed one-time keys by algorithm and the algorithms of its unused fallback keys
     */
    OneTimeKeyCounts oneTimeKeyCounts(DeviceKeysRequest request);
}
