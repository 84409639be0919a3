package io.myelin.api.keys;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;

/**
 * A change to a local user's device list, published on the bus stream {@code OutputKeyChangeEvent} with the
 * user id as subject and this record as the JSON object {@code {"user_id", "device_id", "kind"}}
 * ({@link #toBytes()}, {@link #fromBytes(byte[])}). Sync turns it into {@code device_lists.changed}; federation
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

    /**
     * @return the record as the stream's JSON payload
     */
    public byte[] toBytes() {
        JsonObjectBuilder json = JsonSupport.objectBuilder().add("user_id", userId).add("kind", kind);
        if (deviceId != null) {
            json.add("device_id", deviceId);
        }
        return json.build().toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param payload a payload of the stream
     * @return the record it holds
     * @throws jakarta.json.JsonException  when it is not JSON
     * @throws ClassCastException          when a member has the wrong type
     * @throws NullPointerException        when {@code user_id} or {@code kind} is missing
     */
    public static DeviceListChange fromBytes(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        try (JsonReader reader = JsonSupport.provider().createReader(new StringReader(text))) {
            JsonObject json = reader.readObject();
            return new DeviceListChange(json.getString("user_id"), json.getString("device_id", null),
                    json.getString("kind"));
        }
    }
}
