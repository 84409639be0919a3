package io.myelin.keys.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

import jakarta.json.JsonObject;

/**
 * The table {@code keys_device_keys}: each device's identity keys as the device uploaded them.
 */
public final class DeviceKeyStore {

    private static final String SELECT_ONE = "SELECT key_json FROM keys_device_keys"
            + " WHERE user_id = ? AND device_id = ?";
    private static final String SELECT_USER = "SELECT device_id, key_json FROM keys_device_keys WHERE user_id = ?"
            + " ORDER BY device_id";
    private static final String UPSERT = "INSERT INTO keys_device_keys (user_id, device_id, key_json) VALUES (?, ?, ?)"
            + " ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json";
    private static final String DELETE = "DELETE FROM keys_device_keys WHERE user_id = ? AND device_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public DeviceKeyStore(Database db) {
        this.db = db;
    }

    /**
     * @param tx       the transaction, or null to read outside one
     * @param userId   the owner
     * @param deviceId the device
     * @return the device's keys, if it uploaded any
     */
    public Optional<JsonObject> deviceKeys(DbExecute tx, String userId, String deviceId) {
        DbExecute exec = tx == null ? db.client().execute() : tx;
        return exec.get(SELECT_ONE, userId, deviceId).map(row -> Rows.json(row, "key_json"));
    }

    /**
     * @param userId the owner
     * @return every device of the user that uploaded keys, by device id
     */
    public Map<String, JsonObject> deviceKeys(String userId) {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_USER, userId)) {
            rows.forEach(row -> out.put(Rows.text(row, "device_id"), Rows.json(row, "key_json")));
        }
        return out;
    }

    /**
     * Stores a device's keys, replacing what it uploaded before.
     *
     * @param tx       the transaction
     * @param userId   the owner
     * @param deviceId the device
     * @param keys     the keys object
     */
    public void put(DbExecute tx, String userId, String deviceId, JsonObject keys) {
        tx.insert(UPSERT, userId, deviceId, keys.toString());
    }

    /**
     * @param tx       the transaction
     * @param userId   the owner
     * @param deviceId the device
     * @return whether there were keys
     */
    public boolean delete(DbExecute tx, String userId, String deviceId) {
        return tx.delete(DELETE, userId, deviceId) > 0;
    }
}
