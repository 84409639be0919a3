package io.myelin.users.store;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

/**
 * The tables {@code users_devices}, {@code users_access_tokens} and {@code users_refresh_tokens}. Tokens
 * are stored as their SHA-256 hex digest only; every method here takes digests, never tokens.
 */
public final class DeviceStore {

    private static final String SELECT_DEVICE = "SELECT device_id, display_name, last_seen_ts, last_seen_ip"
            + " FROM users_devices WHERE user_id = ? AND device_id = ?";
    private static final String SELECT_DEVICES = "SELECT device_id, display_name, last_seen_ts, last_seen_ip"
            + " FROM users_devices WHERE user_id = ? ORDER BY device_id";
    private static final String INSERT_DEVICE = "INSERT INTO users_devices (user_id, device_id, display_name,"
            + " created_ts, last_seen_ts, last_seen_ip) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String TOUCH_DEVICE = "UPDATE users_devices SET last_seen_ts = ?, last_seen_ip = ?"
            + " WHERE user_id = ? AND device_id = ?";
    private static final String RENAME_DEVICE = "UPDATE users_devices SET display_name = ?"
            + " WHERE user_id = ? AND device_id = ?";
    private static final String DELETE_DEVICE = "DELETE FROM users_devices WHERE user_id = ? AND device_id = ?";
    private static final String INSERT_TOKEN = "INSERT INTO users_access_tokens (token_hash, user_id, device_id,"
            + " created_ts, expires_ts) VALUES (?, ?, ?, ?, ?)";
    private static final String SELECT_TOKEN = "SELECT t.user_id, t.device_id, t.expires_ts, a.is_guest"
            + " FROM users_access_tokens t JOIN users_accounts a ON a.user_id = t.user_id"
            + " WHERE t.token_hash = ? AND a.deactivated = 0";
    private static final String SELECT_DEVICE_TOKENS = "SELECT token_hash FROM users_access_tokens"
            + " WHERE user_id = ? AND device_id = ?";
    private static final String DELETE_TOKEN = "DELETE FROM users_access_tokens WHERE token_hash = ?";
    private static final String DELETE_DEVICE_TOKENS = "DELETE FROM users_access_tokens"
            + " WHERE user_id = ? AND device_id = ?";
    private static final String INSERT_REFRESH = "INSERT INTO users_refresh_tokens (token_hash, user_id, device_id,"
            + " access_token_hash, created_ts) VALUES (?, ?, ?, ?, ?)";
    private static final String SELECT_REFRESH = "SELECT r.user_id, r.device_id, r.access_token_hash"
            + " FROM users_refresh_tokens r JOIN users_accounts a ON a.user_id = r.user_id"
            + " WHERE r.token_hash = ? AND a.deactivated = 0";
    private static final String DELETE_REFRESH = "DELETE FROM users_refresh_tokens WHERE token_hash = ?";
    private static final String DELETE_DEVICE_REFRESH = "DELETE FROM users_refresh_tokens"
            + " WHERE user_id = ? AND device_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public DeviceStore(Database db) {
        this.db = db;
    }

    /**
     * @param userId   the owner
     * @param deviceId the device
     * @return the device, if the user has it
     */
    public Optional<Device> device(String userId, String deviceId) {
        return db.client().execute().get(SELECT_DEVICE, userId, deviceId).map(DeviceStore::device);
    }

    /**
     * @param userId the owner
     * @return the user's devices, ordered by id
     */
    public List<Device> devices(String userId) {
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_DEVICES, userId)) {
            return rows.map(DeviceStore::device).toList();
        }
    }

    /**
     * Creates the device, or records that it was seen when it exists already (a login that names a known
     * device keeps it).
     *
     * @param tx          the transaction
     * @param userId      the owner
     * @param deviceId    the device
     * @param displayName its name for a new device, or null
     * @param now         milliseconds since the epoch
     * @param ip          the client's address, or null
     */
    public void createOrTouch(DbExecute tx, String userId, String deviceId, String displayName, long now,
                              String ip) {
        if (tx.get(SELECT_DEVICE, userId, deviceId).isPresent()) {
            tx.update(TOUCH_DEVICE, now, ip, userId, deviceId);
        } else {
            tx.insert(INSERT_DEVICE, userId, deviceId, displayName, now, now, ip);
        }
    }

    /**
     * @param userId      the owner
     * @param deviceId    the device
     * @param displayName the new name
     * @return whether the device exists
     */
    public boolean rename(String userId, String deviceId, String displayName) {
        return db.write(tx -> tx.update(RENAME_DEVICE, displayName, userId, deviceId)) > 0;
    }

    /**
     * Deletes a device with all its access and refresh tokens.
     *
     * @param tx       the transaction
     * @param userId   the owner
     * @param deviceId the device
     * @return the digests of the access tokens revoked, for evicting them from caches
     */
    public List<String> delete(DbExecute tx, String userId, String deviceId) {
        List<String> revoked;
        try (Stream<DbRow> rows = tx.query(SELECT_DEVICE_TOKENS, userId, deviceId)) {
            revoked = rows.map(row -> Rows.text(row, "token_hash")).toList();
        }
        tx.delete(DELETE_DEVICE_TOKENS, userId, deviceId);
        tx.delete(DELETE_DEVICE_REFRESH, userId, deviceId);
        tx.delete(DELETE_DEVICE, userId, deviceId);
        return revoked;
    }

    /**
     * Records an access token.
     *
     * @param tx        the transaction
     * @param tokenHash the token's digest
     * @param userId    the owner
     * @param deviceId  the device
     * @param now       milliseconds since the epoch
     * @param expiresTs when it expires, or null for never
     */
    public void addAccessToken(DbExecute tx, String tokenHash, String userId, String deviceId, long now,
                               Long expiresTs) {
        tx.insert(INSERT_TOKEN, tokenHash, userId, deviceId, now, expiresTs);
    }

    /**
     * @param tokenHash a token's digest
     * @return the token's owner, unless the token is unknown or the account deactivated
     */
    public Optional<TokenRow> accessToken(String tokenHash) {
        return db.client().execute().get(SELECT_TOKEN, tokenHash).map(row -> {
            Long expires = Rows.numberOrNull(row, "expires_ts");
            return new TokenRow(Rows.text(row, "user_id"), Rows.text(row, "device_id"), Rows.flag(row, "is_guest"),
                    expires == null ? 0 : expires);
        });
    }

    /**
     * @param tx        the transaction
     * @param tokenHash the access token's digest
     */
    public void deleteAccessToken(DbExecute tx, String tokenHash) {
        tx.delete(DELETE_TOKEN, tokenHash);
    }

    /**
     * Records a refresh token and the access token issued with it.
     *
     * @param tx              the transaction
     * @param tokenHash       the refresh token's digest
     * @param userId          the owner
     * @param deviceId        the device
     * @param accessTokenHash the digest of the access token issued with it
     * @param now             milliseconds since the epoch
     */
    public void addRefreshToken(DbExecute tx, String tokenHash, String userId, String deviceId,
                                String accessTokenHash, long now) {
        tx.insert(INSERT_REFRESH, tokenHash, userId, deviceId, accessTokenHash, now);
    }

    /**
     * Takes a refresh token: it is deleted as it is read, so that it can be used once only.
     *
     * @param tx        the transaction
     * @param tokenHash the refresh token's digest
     * @return the user, device and paired access token digest, or empty when the token is unknown
     */
    public Optional<RefreshRow> takeRefreshToken(DbExecute tx, String tokenHash) {
        Optional<RefreshRow> row = tx.get(SELECT_REFRESH, tokenHash).map(r -> new RefreshRow(
                Rows.text(r, "user_id"), Rows.text(r, "device_id"), Rows.text(r, "access_token_hash")));
        row.ifPresent(r -> tx.delete(DELETE_REFRESH, tokenHash));
        return row;
    }

    /**
     * A row of {@code users_refresh_tokens}.
     *
     * @param userId          the owner
     * @param deviceId        the device
     * @param accessTokenHash the digest of the access token issued with it
     */
    public record RefreshRow(String userId, String deviceId, String accessTokenHash) {
    }

    private static Device device(DbRow row) {
        return new Device(Rows.text(row, "device_id"), Rows.text(row, "display_name"),
                Rows.numberOrNull(row, "last_seen_ts"), Rows.text(row, "last_seen_ip"));
    }
}
