package io.myelin.keys.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.users.DeviceInfo;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.Requester;
import io.myelin.api.users.UserData;
import io.myelin.keys.store.CrossSigningStore;
import io.myelin.keys.store.CrossSigningStore.Signature;
import io.myelin.keys.store.DeviceKeyStore;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * {@code POST /keys/query}: the identity keys of local users' devices with their display names, and their
 * cross-signing keys, with the signatures uploaded later merged in. The owner's own signatures show to everyone;
 * another user's signature of a master key (made with their user-signing key) shows only to that user, not even
 * to the key's owner, as in Synapse: whom a user trusts is that user's business. The user-signing key shows only
 * to its owner.
 *
 * <p>A key of {@code device_keys} that is not a user id is left out of the answer, which still holds every user
 * asked for correctly: the spec has no per-user failure ({@code failures} is by server), and one bad entry should
 * not cost a client everyone else's keys.
 */
public final class KeyQuery {

    private final DeviceKeyStore devices;
    private final CrossSigningStore crossSigning;
    private final UserData users;
    private final String serverName;

    /**
     * @param devices      device identity keys
     * @param crossSigning cross-signing keys and signatures
     * @param users        the users component, for the devices that exist and their names
     * @param serverName   this server's name
     */
    public KeyQuery(DeviceKeyStore devices, CrossSigningStore crossSigning, UserData users, String serverName) {
        this.devices = devices;
        this.crossSigning = crossSigning;
        this.users = users;
        this.serverName = serverName;
    }

    /**
     * @param who  the requester
     * @param body the request body
     * @return the response body
     */
    public JsonObject query(Requester who, JsonObject body) {
        JsonObject wanted = Fields.requiredObject(body, "device_keys");
        Map<String, List<String>> local = new LinkedHashMap<>();
        JsonObjectBuilder failures = Json.object();
        for (Map.Entry<String, JsonValue> e : wanted.entrySet()) {
            List<String> ids = Fields.strings(e.getValue(), "Each entry of 'device_keys'");
            String server = Remote.serverOf(e.getKey());
            if (server == null) {
                continue;
            }
            if (server.equals(serverName)) {
                local.put(e.getKey(), ids);
            } else {
                failures.add(server, Remote.failure());
            }
        }

        Map<String, List<DeviceInfo>> existing = users.devices(new DevicesRequest(new ArrayList<>(local.keySet())))
                .devices();
        Map<String, List<Signature>> signatures = crossSigning.signatures(local.keySet());
        JsonObjectBuilder deviceKeys = Json.object();
        JsonObjectBuilder master = Json.object();
        JsonObjectBuilder selfSigning = Json.object();
        JsonObjectBuilder userSigning = Json.object();
        for (Map.Entry<String, List<String>> e : local.entrySet()) {
            String userId = e.getKey();
            List<Signature> userSignatures = signatures.getOrDefault(userId, List.of());
            Map<String, String> names = new LinkedHashMap<>();
            for (DeviceInfo device : existing.getOrDefault(userId, List.of())) {
                names.put(device.deviceId(), device.displayName());
            }
            JsonObjectBuilder userDevices = Json.object();
            for (Map.Entry<String, JsonObject> keys : devices.deviceKeys(userId).entrySet()) {
                String deviceId = keys.getKey();
                if (!names.containsKey(deviceId) || !e.getValue().isEmpty() && !e.getValue().contains(deviceId)) {
                    continue;
                }
                JsonObject merged = merge(keys.getValue(), userId, deviceId, userSignatures, who.userId());
                JsonObjectBuilder unsigned = Json.object();
                if (names.get(deviceId) != null) {
                    unsigned.add("device_display_name", names.get(deviceId));
                }
                userDevices.add(deviceId, JsonSupport.provider().createObjectBuilder(merged).add("unsigned", unsigned));
            }
            deviceKeys.add(userId, userDevices);
            for (CrossSigningStore.StoredKey key : crossSigning.keys(null, userId).values()) {
                JsonObject merged = merge(key.json(), userId, key.publicKey(), userSignatures, who.userId());
                switch (key.usage()) {
                    case CrossSigningStore.MASTER -> master.add(userId, merged);
                    case CrossSigningStore.SELF_SIGNING -> selfSigning.add(userId, merged);
                    case CrossSigningStore.USER_SIGNING -> {
                        if (userId.equals(who.userId())) {
                            userSigning.add(userId, merged);
                        }
                    }
                    default -> { }
                }
            }
        }
        return Json.object().add("device_keys", deviceKeys).add("failures", failures).add("master_keys", master)
                .add("self_signing_keys", selfSigning).add("user_signing_keys", userSigning).build();
    }

    /** Adds the uploaded signatures of one device or key that the requester may see: the owner's and their own. */
    static JsonObject merge(JsonObject key, String owner, String targetKeyId, List<Signature> signatures,
                            String requester) {
        Map<String, JsonObjectBuilder> bySigner = new LinkedHashMap<>();
        if (key.get("signatures") instanceof JsonObject existing) {
            existing.forEach((signer, sigs) -> bySigner.put(signer, sigs instanceof JsonObject o
                    ? JsonSupport.provider().createObjectBuilder(o) : Json.object()));
        }
        boolean added = false;
        for (Signature signature : signatures) {
            if (!signature.targetKeyId().equals(targetKeyId)
                    || !signature.signerUserId().equals(owner) && !signature.signerUserId().equals(requester)) {
                continue;
            }
            bySigner.computeIfAbsent(signature.signerUserId(), s -> Json.object())
                    .add(signature.signerKeyId(), signature.signature());
            added = true;
        }
        if (!added) {
            return key;
        }
        JsonObjectBuilder all = Json.object();
        bySigner.forEach(all::add);
        return JsonSupport.provider().createObjectBuilder(key).add("signatures", all).build();
    }
}
