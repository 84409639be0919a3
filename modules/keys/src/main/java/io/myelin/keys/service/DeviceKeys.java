package io.myelin.keys.service;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.keys.DeviceKeysRequest;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.keys.OneTimeKeyCounts;
import io.myelin.api.storage.Database;
import io.myelin.api.users.Requester;
import io.myelin.keys.store.DeviceKeyStore;
import io.myelin.keys.store.OneTimeKeyStore;
import io.myelin.keys.store.UserLocks;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Uploading device identity keys, one-time keys and fallback keys, and claiming one-time keys (client-server API,
 * "End-to-end encryption", {@code POST /keys/upload} and {@code POST /keys/claim}).
 *
 * <p>A device's identity keys must be signed by the device's own Ed25519 key, and once uploaded they may be
 * uploaded again but not changed. Signed one-time and fallback keys must carry a valid signature of that key.
 */
public final class DeviceKeys implements KeysApi {

    private static final String ED25519 = "ed25519:";
    private static final String SIGNED_CURVE25519 = "signed_curve25519";

    private final Database db;
    private final DeviceKeyStore devices;
    private final OneTimeKeyStore oneTimeKeys;
    private final UserLocks locks;
    private final KeyChanges changes;
    private final String serverName;

    /**
     * @param db          the database
     * @param devices     device identity keys
     * @param oneTimeKeys one-time and fallback keys
     * @param locks       per-user locks of key writes
     * @param changes     where changes are announced
     * @param serverName  this server's name
     */
    public DeviceKeys(Database db, DeviceKeyStore devices, OneTimeKeyStore oneTimeKeys, UserLocks locks,
                      KeyChanges changes, String serverName) {
        this.db = db;
        this.devices = devices;
        this.oneTimeKeys = oneTimeKeys;
        this.locks = locks;
        this.changes = changes;
        this.serverName = serverName;
    }

    @Override
    public OneTimeKeyCounts oneTimeKeyCounts(DeviceKeysRequest request) {
        return new OneTimeKeyCounts(oneTimeKeys.counts(null, request.userId(), request.deviceId()),
                oneTimeKeys.unusedFallbackAlgorithms(request.userId(), request.deviceId()));
    }

    /**
     * {@code POST /keys/upload}.
     *
     * @param who  the requester
     * @param body the request body
     * @return the response body
     */
    public JsonObject upload(Requester who, JsonObject body) {
        JsonObject deviceKeys = Fields.object(body, "device_keys");
        JsonObject otks = Fields.object(body, "one_time_keys");
        JsonObject fallbacks = Fields.object(body, "fallback_keys");
        String uploadedKey = deviceKeys == null ? null : checkDeviceKeys(who, deviceKeys);
        Map<String, Integer> counts = db.write(tx -> {
            String signingKey = uploadedKey;
            if (deviceKeys != null) {
                storeDeviceKeys(tx, who, deviceKeys);
            } else if (otks != null || fallbacks != null) {
                signingKey = devices.deviceKeys(tx, who.userId(), who.deviceId())
                        .map(k -> ed25519Key(k, who.deviceId())).orElse(null);
            }
            if (otks != null) {
                // Sorted, like every multi-row write here, so that concurrent writers lock rows in one order.
                for (Map.Entry<String, JsonValue> e : new TreeMap<>(otks).entrySet()) {
                    addOneTimeKey(tx, who, signingKey, e.getKey(), e.getValue());
                }
            }
            if (fallbacks != null) {
                Set<String> algorithms = new HashSet<>();
                for (Map.Entry<String, JsonValue> e : fallbacks.entrySet()) {
                    KeyName name = KeyName.parse(e.getKey());
                    if (!algorithms.add(name.algorithm())) {
                        throw MatrixException.invalidParam("At most one fallback key per algorithm may be uploaded.");
                    }
                    putFallback(tx, who, signingKey, name, e.getValue());
                }
            }
            return oneTimeKeys.counts(tx, who.userId(), who.deviceId());
        });
        // A missing algorithm means zero, but some older clients only upload keys when they see a zero here.
        JsonObjectBuilder out = Json.object().add(SIGNED_CURVE25519, 0);
        counts.forEach(out::add);
        return Json.object().add("one_time_key_counts", out).build();
    }

    /**
     * {@code POST /keys/claim}: for each device and algorithm the oldest one-time key, else the device's fallback
     * key, which is then marked used. A key of {@code one_time_keys} that is not a user id is left out of the
     * answer, as unknown devices are, and the others are claimed (see {@link KeyQuery}).
     *
     * @param who  the requester
     * @param body the request body
     * @return the response body
     */
    public JsonObject claim(Requester who, JsonObject body) {
        JsonObject wanted = Fields.requiredObject(body, "one_time_keys");
        for (Map.Entry<String, JsonValue> user : wanted.entrySet()) {
            if (user.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw MatrixException.badJson("'one_time_keys' must map user ids to objects.");
            }
            for (JsonValue algorithm : user.getValue().asJsonObject().values()) {
                if (!(algorithm instanceof JsonString)) {
                    throw MatrixException.badJson("'one_time_keys' must map device ids to algorithm names.");
                }
            }
        }
        JsonObjectBuilder failures = Json.object();
        JsonObjectBuilder claimed = Json.object();
        // Claims take row locks on PostgreSQL; taking them in one global order keeps concurrent claims from
        // deadlocking on each other.
        Map<String, JsonValue> users = new TreeMap<>(wanted);
        db.write(tx -> {
            for (Map.Entry<String, JsonValue> user : users.entrySet()) {
                String server = Remote.serverOf(user.getKey());
                if (server == null) {
                    continue;
                }
                if (!server.equals(serverName)) {
                    failures.add(server, Remote.failure());
                    continue;
                }
                JsonObjectBuilder userKeys = Json.object();
                boolean any = false;
                for (Map.Entry<String, JsonValue> device : new TreeMap<>(user.getValue().asJsonObject()).entrySet()) {
                    String algorithm = ((JsonString) device.getValue()).getString();
                    Optional<JsonObject> key = claimOne(tx, user.getKey(), device.getKey(), algorithm);
                    if (key.isPresent()) {
                        userKeys.add(device.getKey(), key.get());
                        any = true;
                    }
                }
                if (any) {
                    claimed.add(user.getKey(), userKeys);
                }
            }
            return null;
        });
        return Json.object().add("one_time_keys", claimed).add("failures", failures).build();
    }

    private Optional<JsonObject> claimOne(DbExecute tx, String userId, String deviceId, String algorithm) {
        Optional<OneTimeKeyStore.StoredKey> key = oneTimeKeys.claim(tx, userId, deviceId, algorithm);
        if (key.isPresent()) {
            return Optional.of(Json.object().add(algorithm + ":" + key.get().keyId(), parse(key.get().json())).build());
        }
        Optional<OneTimeKeyStore.Fallback> fallback = oneTimeKeys.fallback(tx, userId, deviceId, algorithm);
        if (fallback.isEmpty()) {
            return Optional.empty();
        }
        if (!fallback.get().used()) {
            oneTimeKeys.markFallbackUsed(tx, userId, deviceId, algorithm);
        }
        return Optional.of(Json.object().add(algorithm + ":" + fallback.get().keyId(), parse(fallback.get().json()))
                .build());
    }

    /** Checks the shape, owner and self-signature of uploaded device keys; returns the device's Ed25519 key. */
    private String checkDeviceKeys(Requester who, JsonObject keys) {
        String userId = Fields.requiredString(keys, "user_id");
        String deviceId = Fields.requiredString(keys, "device_id");
        Fields.strings(keys.get("algorithms"), "'device_keys.algorithms'");
        JsonObject keyMap = Fields.requiredObject(keys, "keys");
        for (JsonValue value : keyMap.values()) {
            if (!(value instanceof JsonString)) {
                throw MatrixException.badJson("'device_keys.keys' must map key ids to strings.");
            }
        }
        Fields.requiredObject(keys, "signatures");
        if (!userId.equals(who.userId())) {
            throw MatrixException.invalidParam("'device_keys.user_id' must be the user of the access token.");
        }
        if (!deviceId.equals(who.deviceId())) {
            throw MatrixException.invalidParam("'device_keys.device_id' must be the device of the access token.");
        }
        String ed25519 = ed25519Key(keys, deviceId);
        if (ed25519 == null || !Signed.isPublicKey(ed25519)) {
            throw MatrixException.invalidParam("'device_keys.keys' must hold the device's Ed25519 key as "
                    + "'ed25519:" + deviceId + "'.");
        }
        if (!Signed.verifies(keys, userId, ED25519 + deviceId, ed25519)) {
            throw invalidSignature("The device keys are not signed by the device's Ed25519 key.");
        }
        return ed25519;
    }

    private void storeDeviceKeys(DbExecute tx, Requester who, JsonObject keys) {
        JsonObject stripped = JsonSupport.provider().createObjectBuilder(keys).remove("unsigned").build();
        // Identity keys never change once stored: two first uploads at once must not both find none stored.
        locks.lock(tx, who.userId());
        Optional<JsonObject> existing = devices.deviceKeys(tx, who.userId(), who.deviceId());
        if (existing.isPresent()) {
            if (!existing.get().getJsonObject("keys").equals(stripped.getJsonObject("keys"))) {
                throw MatrixException.invalidParam("This device's identity keys were uploaded already and cannot "
                        + "change; log in as a new device to use new keys.");
            }
            if (existing.get().equals(stripped)) {
                return;
            }
        }
        devices.put(tx, who.userId(), who.deviceId(), stripped);
        changes.deviceKeys(who.userId(), who.deviceId());
    }

    private void addOneTimeKey(DbExecute tx, Requester who, String signingKey, String name, JsonValue key) {
        KeyName keyName = KeyName.parse(name);
        checkKeyObject(who, signingKey, keyName, key);
        if (oneTimeKeys.addOneTimeKey(tx, who.userId(), who.deviceId(), keyName.algorithm(), keyName.keyId(), key)) {
            return;
        }
        Optional<String> existing = oneTimeKeys.oneTimeKey(tx, who.userId(), who.deviceId(), keyName.algorithm(),
                keyName.keyId());
        if (existing.isPresent() && !parse(existing.get()).equals(key)) {
            throw MatrixException.invalidParam("One-time key " + name + " was uploaded already with other content.");
        }
    }

    private void putFallback(DbExecute tx, Requester who, String signingKey, KeyName name, JsonValue key) {
        checkKeyObject(who, signingKey, name, key);
        Optional<OneTimeKeyStore.Fallback> existing = oneTimeKeys.fallback(tx, who.userId(), who.deviceId(),
                name.algorithm());
        // The same key uploaded again keeps its used mark; only a new key starts unused.
        if (existing.isPresent() && existing.get().keyId().equals(name.keyId())
                && parse(existing.get().json()).equals(key)) {
            return;
        }
        oneTimeKeys.putFallback(tx, who.userId(), who.deviceId(), name.algorithm(), name.keyId(), key);
    }

    /** A key is a string, or a key object whose signature by the device is required for signed algorithms. */
    private void checkKeyObject(Requester who, String signingKey, KeyName name, JsonValue key) {
        if (key instanceof JsonString) {
            if (name.algorithm().startsWith("signed_")) {
                throw MatrixException.badJson("Key " + name + " must be a signed key object.");
            }
            return;
        }
        if (!(key instanceof JsonObject object) || !(object.get("key") instanceof JsonString)) {
            throw MatrixException.badJson("Key " + name + " must be a string or an object with 'key'.");
        }
        if (!name.algorithm().startsWith("signed_") && !object.containsKey("signatures")) {
            return;
        }
        if (signingKey == null) {
            throw invalidSignature("Key " + name + " cannot be checked: the device has uploaded no identity keys.");
        }
        if (!Signed.verifies(object, who.userId(), ED25519 + who.deviceId(), signingKey)) {
            throw invalidSignature("Key " + name + " is not signed by the device's Ed25519 key.");
        }
    }

    static String ed25519Key(JsonObject deviceKeys, String deviceId) {
        return deviceKeys.get("keys") instanceof JsonObject keys && keys.get(ED25519 + deviceId) instanceof JsonString s
                ? s.getString() : null;
    }

    static MatrixException invalidSignature(String message) {
        return new MatrixException(Status.BAD_REQUEST_400, ErrorCode.M_INVALID_SIGNATURE, message);
    }

    private static JsonValue parse(String json) {
        try (var reader = JsonSupport.provider().createReader(new java.io.StringReader(json))) {
            return reader.readValue();
        }
    }

    /** A key's name, {@code <algorithm>:<key id>}. */
    private record KeyName(String algorithm, String keyId) {
        static KeyName parse(String name) {
            int colon = name.indexOf(':');
            if (colon < 1 || colon == name.length() - 1) {
                throw MatrixException.badJson("Key names have the form '<algorithm>:<key id>', not '" + name + "'.");
            }
            return new KeyName(name.substring(0, colon), name.substring(colon + 1));
        }

        @Override
        public String toString() {
            return algorithm + ":" + keyId;
        }
    }
}
