package io.myelin.keys.service;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.storage.Database;
import io.myelin.keys.store.BackupStore;
import io.myelin.keys.store.BackupStore.SessionKey;
import io.myelin.keys.store.BackupStore.Version;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * Server-side key backups (client-server API, "Server-side key backups"): versions, and the session keys stored in
 * them. Keys may be stored only in the current (newest) version. A stored key is replaced only by a better one:
 * verified over unverified, then a lower {@code first_message_index}, then a lower {@code forwarded_count}.
 */
public final class Backups {

    private final Database db;
    private final BackupStore store;

    /**
     * @param db    the database
     * @param store the backup tables
     */
    public Backups(Database db, BackupStore store) {
        this.db = db;
        this.store = store;
    }

    /**
     * {@code POST /room_keys/version}.
     *
     * @param userId the owner
     * @param body   the request body
     * @return the response body
     */
    public JsonObject create(String userId, JsonObject body) {
        String algorithm = Fields.requiredString(body, "algorithm");
        JsonObject authData = Fields.requiredObject(body, "auth_data");
        long version = db.write(tx -> store.create(tx, userId, algorithm, authData));
        return Json.object().add("version", String.valueOf(version)).build();
    }

    /**
     * {@code GET /room_keys/version} and {@code GET /room_keys/version/{version}}.
     *
     * @param userId  the owner
     * @param version the version, or null for the current one
     * @return the response body
     */
    public JsonObject info(String userId, String version) {
        Version found = version == null
                ? store.current(null, userId).orElseThrow(() -> MatrixException.notFound("No current backup version."))
                : live(null, userId, version);
        return Json.object().add("algorithm", found.algorithm()).add("auth_data", found.authData())
                .add("count", store.count(null, userId, found.version())).add("etag", String.valueOf(found.etag()))
                .add("version", String.valueOf(found.version())).build();
    }

    /**
     * {@code PUT /room_keys/version/{version}}: only {@code auth_data} changes.
     *
     * @param userId  the owner
     * @param version the version
     * @param body    the request body
     */
    public void update(String userId, String version, JsonObject body) {
        String algorithm = Fields.requiredString(body, "algorithm");
        JsonObject authData = Fields.requiredObject(body, "auth_data");
        String bodyVersion = Fields.string(body, "version");
        if (bodyVersion != null && !bodyVersion.equals(version)) {
            throw MatrixException.invalidParam("The version in the body does not match the version in the path.");
        }
        db.write(tx -> {
            Version found = live(tx, userId, version);
            if (!found.algorithm().equals(algorithm)) {
                throw MatrixException.invalidParam("Algorithm does not match.");
            }
            store.updateAuthData(tx, userId, found.version(), authData);
            return null;
        });
    }

    /**
     * {@code DELETE /room_keys/version/{version}}; deleting a deleted version succeeds.
     *
     * @param userId  the owner
     * @param version the version
     */
    public void deleteVersion(String userId, String version) {
        long number = number(version);
        db.write(tx -> {
            store.version(tx, userId, number).orElseThrow(() -> MatrixException.notFound("Unknown backup version."));
            store.delete(tx, userId, number);
            return null;
        });
    }

    /**
     * {@code PUT /room_keys/keys[/{roomId}[/{sessionId}]]}.
     *
     * @param userId    the owner
     * @param version   the {@code version} query parameter
     * @param roomId    the room of the path, or null
     * @param sessionId the session of the path, or null
     * @param body      the request body
     * @return the response body, {@code etag} and {@code count}
     */
    public JsonObject putKeys(String userId, String version, String roomId, String sessionId, JsonObject body) {
        // Sorted, so that two devices backing up the same sessions at once lock the rows in the same order.
        List<SessionKey> keys = parseKeys(roomId, sessionId, body).stream()
                .sorted(Comparator.comparing(SessionKey::roomId).thenComparing(SessionKey::sessionId)).toList();
        return db.write(tx -> {
            // A deleted version is a version that is not the current one, which the client is told with the
            // current version's number; only a version never created, or no backup at all, is not found.
            Version found = store.version(tx, userId, number(version))
                    .orElseThrow(() -> MatrixException.notFound("Unknown backup version."));
            Version current = store.current(tx, userId)
                    .orElseThrow(() -> MatrixException.notFound("No current backup version."));
            if (current.version() != found.version()) {
                throw new MatrixException(Status.FORBIDDEN_403, ErrorCode.M_WRONG_ROOM_KEYS_VERSION,
                        "Wrong backup version.", null, Map.of("current_version", String.valueOf(current.version())));
            }
            boolean changed = false;
            for (SessionKey key : keys) {
                changed |= store.putIfBetter(tx, userId, found.version(), key);
            }
            if (changed) {
                store.bumpEtag(tx, userId, found.version());
            }
            return counts(tx, userId, found.version());
        });
    }

    /**
     * {@code GET /room_keys/keys[/{roomId}[/{sessionId}]]}.
     *
     * @param userId    the owner
     * @param version   the {@code version} query parameter
     * @param roomId    the room of the path, or null
     * @param sessionId the session of the path, or null
     * @return the response body
     */
    public JsonObject getKeys(String userId, String version, String roomId, String sessionId) {
        Version found = live(null, userId, version);
        if (sessionId != null) {
            return store.session(null, userId, found.version(), roomId, sessionId).map(Backups::json)
                    .orElseThrow(() -> MatrixException.notFound("Key not found."));
        }
        if (roomId != null) {
            JsonObjectBuilder sessions = Json.object();
            store.sessions(userId, found.version(), roomId).forEach(key -> sessions.add(key.sessionId(), json(key)));
            return Json.object().add("sessions", sessions).build();
        }
        Map<String, JsonObjectBuilder> rooms = new TreeMap<>();
        for (SessionKey key : store.sessions(userId, found.version(), null)) {
            rooms.computeIfAbsent(key.roomId(), r -> Json.object()).add(key.sessionId(), json(key));
        }
        JsonObjectBuilder out = Json.object();
        rooms.forEach((room, sessions) -> out.add(room, Json.object().add("sessions", sessions)));
        return Json.object().add("rooms", out).build();
    }

    /**
     * {@code DELETE /room_keys/keys[/{roomId}[/{sessionId}]]}.
     *
     * @param userId    the owner
     * @param version   the {@code version} query parameter
     * @param roomId    the room of the path, or null
     * @param sessionId the session of the path, or null
     * @return the response body, {@code etag} and {@code count}
     */
    public JsonObject deleteKeys(String userId, String version, String roomId, String sessionId) {
        return db.write(tx -> {
            Version found = live(tx, userId, version);
            if (store.delete(tx, userId, found.version(), roomId, sessionId) > 0) {
                store.bumpEtag(tx, userId, found.version());
            }
            return counts(tx, userId, found.version());
        });
    }

    private JsonObject counts(DbExecute tx, String userId, long version) {
        Version after = store.version(tx, userId, version).orElseThrow();
        return Json.object().add("etag", String.valueOf(after.etag()))
                .add("count", store.count(tx, userId, version)).build();
    }

    private Version live(DbExecute tx, String userId, String version) {
        return store.version(tx, userId, number(version)).filter(v -> !v.deleted())
                .orElseThrow(() -> MatrixException.notFound("Unknown backup version."));
    }

    private static long number(String version) {
        if (version == null) {
            throw MatrixException.missingParam("The 'version' query parameter is required.");
        }
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            // Versions are numbers here; any other string names no backup.
            return -1;
        }
    }

    private static List<SessionKey> parseKeys(String roomId, String sessionId, JsonObject body) {
        if (sessionId != null) {
            return List.of(sessionKey(roomId, sessionId, body));
        }
        if (roomId != null) {
            return roomKeys(roomId, body);
        }
        JsonObject rooms = Fields.requiredObject(body, "rooms");
        List<SessionKey> out = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonValue> room : rooms.entrySet()) {
            if (room.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw MatrixException.badJson("Each room in 'rooms' must be an object.");
            }
            out.addAll(roomKeys(room.getKey(), room.getValue().asJsonObject()));
        }
        return out;
    }

    private static List<SessionKey> roomKeys(String roomId, JsonObject room) {
        JsonObject sessions = Fields.requiredObject(room, "sessions");
        List<SessionKey> out = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonValue> session : sessions.entrySet()) {
            if (session.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw MatrixException.badJson("Each session in 'sessions' must be an object.");
            }
            out.add(sessionKey(roomId, session.getKey(), session.getValue().asJsonObject()));
        }
        return out;
    }

    private static SessionKey sessionKey(String roomId, String sessionId, JsonObject data) {
        return new SessionKey(roomId, sessionId, Fields.requiredInteger(data, "first_message_index"),
                Fields.requiredInteger(data, "forwarded_count"), Fields.requiredBoolean(data, "is_verified"),
                Fields.requiredObject(data, "session_data"));
    }

    private static JsonObject json(SessionKey key) {
        return Json.object().add("first_message_index", key.firstMessageIndex())
                .add("forwarded_count", key.forwardedCount()).add("is_verified", key.verified())
                .add("session_data", key.sessionData()).build();
    }
}
