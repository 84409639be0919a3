package io.myelin.keys.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

import jakarta.json.JsonObject;

/**
 * The tables {@code keys_backup_versions} and {@code keys_backup_keys}. Versions are numbered per user from 1;
 * a deleted version keeps its row so that its number is not given out again and deleting it twice succeeds.
 * The etag is a counter bumped by every change of the version's keys.
 */
public final class BackupStore {

    private static final String SELECT_VERSION = "SELECT version, algorithm, auth_data, etag, deleted"
            + " FROM keys_backup_versions WHERE user_id = ? AND version = ?";
    private static final String SELECT_CURRENT = "SELECT version, algorithm, auth_data, etag, deleted"
            + " FROM keys_backup_versions WHERE user_id = ? AND deleted = 0 ORDER BY version DESC LIMIT 1";
    private static final String MAX_VERSION = "SELECT MAX(version) AS v FROM keys_backup_versions WHERE user_id = ?";
    private static final String INSERT_VERSION = "INSERT INTO keys_backup_versions (user_id, version, algorithm,"
            + " auth_data, etag, deleted) VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (user_id, version) DO NOTHING";
    private static final String UPDATE_AUTH_DATA = "UPDATE keys_backup_versions SET auth_data = ?"
            + " WHERE user_id = ? AND version = ?";
    private static final String DELETE_VERSION = "UPDATE keys_backup_versions SET deleted = 1"
            + " WHERE user_id = ? AND version = ?";
    private static final String BUMP_ETAG = "UPDATE keys_backup_versions SET etag = etag + 1"
            + " WHERE user_id = ? AND version = ?";
    private static final String COUNT = "SELECT COUNT(*) AS n FROM keys_backup_keys WHERE user_id = ? AND version = ?";
    private static final String SELECT_KEYS = "SELECT room_id, session_id, first_message_index, forwarded_count,"
            + " is_verified, session_data FROM keys_backup_keys WHERE user_id = ? AND version = ?";
    private static final String SELECT_ROOM_KEYS = SELECT_KEYS + " AND room_id = ?";
    private static final String SELECT_SESSION = "SELECT room_id, session_id, first_message_index, forwarded_count,"
            + " is_verified, session_data FROM keys_backup_keys"
            + " WHERE user_id = ? AND version = ? AND room_id = ? AND session_id = ?";
    // The WHERE is the spec's order of better keys: verified over unverified, then the lower first message index,
    // then the lower forwarded count. The database decides it against the row as it is when the update runs (on
    // PostgreSQL with the row locked), so concurrent uploads of one session cannot let a worse key win.
    private static final String PUT_IF_BETTER = "INSERT INTO keys_backup_keys (user_id, version, room_id, session_id,"
            + " first_message_index, forwarded_count, is_verified, session_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET"
            + " first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count,"
            + " is_verified = excluded.is_verified, session_data = excluded.session_data"
            + " WHERE excluded.is_verified > keys_backup_keys.is_verified"
            + " OR excluded.is_verified = keys_backup_keys.is_verified"
            + " AND (excluded.first_message_index < keys_backup_keys.first_message_index"
            + " OR excluded.first_message_index = keys_backup_keys.first_message_index"
            + " AND excluded.forwarded_count < keys_backup_keys.forwarded_count)";
    private static final String DELETE_ALL = "DELETE FROM keys_backup_keys WHERE user_id = ? AND version = ?";
    private static final String DELETE_ROOM = "DELETE FROM keys_backup_keys WHERE user_id = ? AND version = ?"
            + " AND room_id = ?";
    private static final String DELETE_SESSION = "DELETE FROM keys_backup_keys WHERE user_id = ? AND version = ?"
            + " AND room_id = ? AND session_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public BackupStore(Database db) {
        this.db = db;
    }

    /**
     * A backup version.
     *
     * @param version   its number
     * @param algorithm the backup algorithm
     * @param authData  the algorithm's data
     * @param etag      the change counter of its keys
     * @param deleted   whether it was deleted
     */
    public record Version(long version, String algorithm, JsonObject authData, long etag, boolean deleted) {
    }

    /**
     * A backed-up session key.
     *
     * @param roomId            the room
     * @param sessionId         the megolm session
     * @param firstMessageIndex the first message index the key can decrypt
     * @param forwardedCount    how often it was forwarded
     * @param verified          whether the backing-up device verified the key's origin
     * @param sessionData       the encrypted data
     */
    public record SessionKey(String roomId, String sessionId, long firstMessageIndex, long forwardedCount,
                             boolean verified, JsonObject sessionData) {
    }

    /**
     * @param tx      the transaction, or null to read outside one
     * @param userId  the owner
     * @param version the version number
     * @return the version, deleted or not, if it was ever created
     */
    public Optional<Version> version(DbExecute tx, String userId, long version) {
        return exec(tx).get(SELECT_VERSION, userId, version).map(BackupStore::version);
    }

    /**
     * @param tx     the transaction, or null to read outside one
     * @param userId the owner
     * @return the newest version not deleted
     */
    public Optional<Version> current(DbExecute tx, String userId) {
        return exec(tx).get(SELECT_CURRENT, userId).map(BackupStore::version);
    }

    /**
     * @param tx        the transaction
     * @param userId    the owner
     * @param algorithm the algorithm
     * @param authData  the algorithm's data
     * @return the new version's number, one more than any the user had
     */
    public long create(DbExecute tx, String userId, String algorithm, JsonObject authData) {
        long next = tx.get(MAX_VERSION, userId).map(row -> Rows.number(row, "v")).orElse(0L) + 1;
        // A concurrent create may have taken the number meanwhile (PostgreSQL); then the next one is free.
        while (tx.insert(INSERT_VERSION, userId, next, algorithm, authData.toString()) == 0) {
            next++;
        }
        return next;
    }

    /**
     * @param tx       the transaction
     * @param userId   the owner
     * @param version  the version
     * @param authData the new data
     */
    public void updateAuthData(DbExecute tx, String userId, long version, JsonObject authData) {
        tx.update(UPDATE_AUTH_DATA, authData.toString(), userId, version);
    }

    /**
     * Marks a version deleted and deletes its keys.
     *
     * @param tx      the transaction
     * @param userId  the owner
     * @param version the version
     */
    public void delete(DbExecute tx, String userId, long version) {
        tx.delete(DELETE_ALL, userId, version);
        tx.update(DELETE_VERSION, userId, version);
    }

    /**
     * @param tx      the transaction, or null to read outside one
     * @param userId  the owner
     * @param version the version
     * @return how many session keys it holds
     */
    public long count(DbExecute tx, String userId, long version) {
        return exec(tx).get(COUNT, userId, version).map(row -> Rows.number(row, "n")).orElse(0L);
    }

    /**
     * @param tx      the transaction
     * @param userId  the owner
     * @param version the version whose keys changed
     */
    public void bumpEtag(DbExecute tx, String userId, long version) {
        tx.update(BUMP_ETAG, userId, version);
    }

    /**
     * @param userId  the owner
     * @param version the version
     * @param roomId  the room, or null for all rooms
     * @return its session keys of that room, or all of them
     */
    public List<SessionKey> sessions(String userId, long version, String roomId) {
        List<SessionKey> out = new ArrayList<>();
        try (Stream<DbRow> rows = roomId == null ? db.client().execute().query(SELECT_KEYS, userId, version)
                : db.client().execute().query(SELECT_ROOM_KEYS, userId, version, roomId)) {
            rows.forEach(row -> out.add(session(row)));
        }
        return out;
    }

    /**
     * @param tx        the transaction, or null to read outside one
     * @param userId    the owner
     * @param version   the version
     * @param roomId    the room
     * @param sessionId the session
     * @return the stored key of that session
     */
    public Optional<SessionKey> session(DbExecute tx, String userId, long version, String roomId, String sessionId) {
        return exec(tx).get(SELECT_SESSION, userId, version, roomId, sessionId).map(BackupStore::session);
    }

    /**
     * Stores a session's key unless the stored one is as good or better: verified over unverified, then the lower
     * {@code first_message_index}, then the lower {@code forwarded_count}.
     *
     * @param tx      the transaction
     * @param userId  the owner
     * @param version the version
     * @param key     the uploaded key
     * @return whether it was stored
     */
    public boolean putIfBetter(DbExecute tx, String userId, long version, SessionKey key) {
        return tx.insert(PUT_IF_BETTER, userId, version, key.roomId(), key.sessionId(), key.firstMessageIndex(),
                key.forwardedCount(), key.verified() ? 1 : 0, key.sessionData().toString()) > 0;
    }

    /**
     * Deletes keys of a version: all of them, a room's, or one session's.
     *
     * @param tx        the transaction
     * @param userId    the owner
     * @param version   the version
     * @param roomId    the room, or null for all rooms
     * @param sessionId the session, or null for all of the room's sessions
     * @return how many keys were deleted
     */
    public long delete(DbExecute tx, String userId, long version, String roomId, String sessionId) {
        if (roomId == null) {
            return tx.delete(DELETE_ALL, userId, version);
        }
        if (sessionId == null) {
            return tx.delete(DELETE_ROOM, userId, version, roomId);
        }
        return tx.delete(DELETE_SESSION, userId, version, roomId, sessionId);
    }

    private DbExecute exec(DbExecute tx) {
        return tx == null ? db.client().execute() : tx;
    }

    private static Version version(DbRow row) {
        return new Version(Rows.number(row, "version"), Rows.text(row, "algorithm"), Rows.json(row, "auth_data"),
                Rows.number(row, "etag"), Rows.flag(row, "deleted"));
    }

    private static SessionKey session(DbRow row) {
        return new SessionKey(Rows.text(row, "room_id"), Rows.text(row, "session_id"),
                Rows.number(row, "first_message_index"), Rows.number(row, "forwarded_count"),
                Rows.flag(row, "is_verified"), Rows.json(row, "session_data"));
    }
}
