package io.myelin.keys.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

import jakarta.json.JsonValue;

/**
 * The tables {@code keys_one_time_keys} and {@code keys_fallback_keys}.
 *
 * <p>A claim reads the oldest key and deletes it by its id, and counts a claim as made only when that delete
 * removed the row. On SQLite writes are serialised, so the first claimer always wins; on PostgreSQL a second
 * transaction that read the same row waits on the first one's row lock, then deletes nothing and takes the
 * next key. Either way each key is handed out once.
 */
public final class OneTimeKeyStore {

    private static final String SELECT_KEY = "SELECT key_json FROM keys_one_time_keys"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = ?";
    private static final String INSERT_KEY = "INSERT INTO keys_one_time_keys (user_id, device_id, algorithm, key_id,"
            + " key_json) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id, algorithm, key_id) DO NOTHING";
    private static final String COUNTS = "SELECT algorithm, COUNT(*) AS n FROM keys_one_time_keys"
            + " WHERE user_id = ? AND device_id = ? GROUP BY algorithm";
    private static final String OLDEST = "SELECT id, key_id, key_json FROM keys_one_time_keys"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ? ORDER BY id LIMIT 1";
    private static final String NEXT_OLDEST = "SELECT id, key_id, key_json FROM keys_one_time_keys"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ? AND id > ? ORDER BY id LIMIT 1";
    private static final String DELETE_KEY = "DELETE FROM keys_one_time_keys WHERE id = ?";
    private static final String DELETE_DEVICE_KEYS = "DELETE FROM keys_one_time_keys"
            + " WHERE user_id = ? AND device_id = ?";

    private static final String SELECT_FALLBACK = "SELECT key_id, key_json, used FROM keys_fallback_keys"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ?";
    private static final String UPSERT_FALLBACK = "INSERT INTO keys_fallback_keys (user_id, device_id, algorithm,"
            + " key_id, key_json, used) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (user_id, device_id, algorithm)"
            + " DO UPDATE SET key_id = excluded.key_id, key_json = excluded.key_json, used = 0";
    private static final String USE_FALLBACK = "UPDATE keys_fallback_keys SET used = 1"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ?";
    private static final String UNUSED_FALLBACK = "SELECT algorithm FROM keys_fallback_keys"
            + " WHERE user_id = ? AND device_id = ? AND used = 0 ORDER BY algorithm";
    private static final String DELETE_DEVICE_FALLBACK = "DELETE FROM keys_fallback_keys"
            + " WHERE user_id = ? AND device_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public OneTimeKeyStore(Database db) {
        this.db = db;
    }

    /**
     * A key as stored: its id without the algorithm, and its JSON text (a string or a key object).
     *
     * @param keyId the key id, the part after {@code <algorithm>:}
     * @param json  the key's JSON text
     */
    public record StoredKey(String keyId, String json) {
    }

    /**
     * A fallback key.
     *
     * @param keyId the key id
     * @param json  the key's JSON text
     * @param used  whether a claim has handed it out
     */
    public record Fallback(String keyId, String json, boolean used) {
    }

    /**
     * @param tx        the transaction
     * @param userId    the owner
     * @param deviceId  the device
     * @param algorithm the algorithm
     * @param keyId     the key id
     * @return the JSON text of the unclaimed key with that id, if there is one
     */
    public Optional<String> oneTimeKey(DbExecute tx, String userId, String deviceId, String algorithm, String keyId) {
        return tx.get(SELECT_KEY, userId, deviceId, algorithm, keyId).map(row -> Rows.text(row, "key_json"));
    }

    /**
     * @param tx        the transaction
     * @param userId    the owner
     * @param deviceId  the device
     * @param algorithm the algorithm
     * @param keyId     the key id
     * @param key       the key, a string or a key object
     * @return false when an unclaimed key with that id exists already (perhaps added by a concurrent upload)
     */
    public boolean addOneTimeKey(DbExecute tx, String userId, String deviceId, String algorithm, String keyId,
                                 JsonValue key) {
        return tx.insert(INSERT_KEY, userId, deviceId, algorithm, keyId, key.toString()) > 0;
    }

    /**
     * @param tx       the transaction, or null to read outside one
     * @param userId   the owner
     * @param deviceId the device
     * @return the number of unclaimed one-time keys by algorithm
     */
    public Map<String, Integer> counts(DbExecute tx, String userId, String deviceId) {
        DbExecute exec = tx == null ? db.client().execute() : tx;
        Map<String, Integer> counts = new TreeMap<>();
        try (Stream<DbRow> rows = exec.query(COUNTS, userId, deviceId)) {
            rows.forEach(row -> counts.put(Rows.text(row, "algorithm"), (int) Rows.number(row, "n")));
        }
        return counts;
    }

    /**
     * Takes the oldest unclaimed one-time key of an algorithm, deleting it.
     *
     * @param tx        the transaction
     * @param userId    the owner
     * @param deviceId  the device
     * @param algorithm the algorithm
     * @return the key, or empty when the device has none left
     */
    public Optional<StoredKey> claim(DbExecute tx, String userId, String deviceId, String algorithm) {
        Optional<DbRow> row = tx.get(OLDEST, userId, deviceId, algorithm);
        while (row.isPresent()) {
            long id = Rows.number(row.get(), "id");
            if (tx.delete(DELETE_KEY, id) == 1) {
                return Optional.of(new StoredKey(Rows.text(row.get(), "key_id"), Rows.text(row.get(), "key_json")));
            }
            // Another claim took it between our read and our delete.
            row = tx.get(NEXT_OLDEST, userId, deviceId, algorithm, id);
        }
        return Optional.empty();
    }

    /**
     * @param tx        the transaction
     * @param userId    the owner
     * @param deviceId  the device
     * @param algorithm the algorithm
     * @return the device's fallback key of that algorithm, if any
     */
    public Optional<Fallback> fallback(DbExecute tx, String userId, String deviceId, String algorithm) {
        return tx.get(SELECT_FALLBACK, userId, deviceId, algorithm).map(row -> new Fallback(
                Rows.text(row, "key_id"), Rows.text(row, "key_json"), Rows.flag(row, "used")));
    }

    /**
     * Stores a fallback key, replacing the device's previous one of that algorithm; the new key is unused.
     *
     * @param tx        the transaction
     * @param userId    the owner
     * @param deviceId  the device
     * @param algorithm the algorithm
     * @param keyId     the key id
     * @param key       the key
     */
    public void putFallback(DbExecute tx, String userId, String deviceId, String algorithm, String keyId,
                            JsonValue key) {
        tx.insert(UPSERT_FALLBACK, userId, deviceId, algorithm, keyId, key.toString());
    }

    /**
     * @param tx        the transaction
     * @param userId    the owner
     * @param deviceId  the device
     * @param algorithm the algorithm
     */
    public void markFallbackUsed(DbExecute tx, String userId, String deviceId, String algorithm) {
        tx.update(USE_FALLBACK, userId, deviceId, algorithm);
    }

    /**
     * @param userId   the owner
     * @param deviceId the device
     * @return the algorithms of the device's fallback keys that no claim has handed out, sorted
     */
    public List<String> unusedFallbackAlgorithms(String userId, String deviceId) {
        List<String> out = new ArrayList<>();
        try (Stream<DbRow> rows = db.client().execute().query(UNUSED_FALLBACK, userId, deviceId)) {
            rows.forEach(row -> out.add(Rows.text(row, "algorithm")));
        }
        return out;
    }

    /**
     * Deletes all one-time and fallback keys of a device.
     *
     * @param tx       the transaction
     * @param userId   the owner
     * @param deviceId the device
     */
    public void deleteDevice(DbExecute tx, String userId, String deviceId) {
        tx.delete(DELETE_DEVICE_KEYS, userId, deviceId);
        tx.delete(DELETE_DEVICE_FALLBACK, userId, deviceId);
    }
}
