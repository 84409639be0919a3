package io.myelin.keys.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.myelin.api.http.ErrorCode;
import io.myelin.api.http.Fields;
import io.myelin.api.http.Json;
import io.myelin.api.http.MatrixException;
import io.myelin.api.storage.Database;
import io.myelin.api.users.DeviceInfo;
import io.myelin.api.users.DevicesRequest;
import io.myelin.api.users.Requester;
import io.myelin.api.users.UiaRequest;
import io.myelin.api.users.UiaResponse;
import io.myelin.api.users.UserData;
import io.myelin.keys.store.CrossSigningStore;
import io.myelin.keys.store.CrossSigningStore.StoredKey;
import io.myelin.keys.store.DeviceKeyStore;
import io.myelin.keys.store.UserLocks;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Cross-signing (client-server API, "Cross-signing"): {@code POST /keys/device_signing/upload} and
 * {@code POST /keys/signatures/upload}.
 *
 * <p>The first upload of keys needs no user-interactive authentication, nor does uploading the same keys again;
 * replacing a key does. Self-signing and user-signing keys must be signed by the master key. Replacing the master
 * key drops the self-signing and user-signing keys it had signed unless new ones come with it.
 */
public final class CrossSigning {

    /** The purpose user-interactive authentication sessions of a key upload are bound to. */
    public static final String UIA_PURPOSE = "device_signing_upload";

    private static final System.Logger LOG = System.getLogger(CrossSigning.class.getName());
    private static final String ED25519 = "ed25519:";

    private final Database db;
    private final CrossSigningStore store;
    private final DeviceKeyStore devices;
    private final UserLocks locks;
    private final UserData users;
    private final KeyChanges changes;

    /**
     * @param db      the database
     * @param store   cross-signing keys and signatures
     * @param devices device identity keys
     * @param locks   per-user locks of key writes
     * @param users   the users component, for device ids and user-interactive authentication
     * @param changes where changes are announced
     */
    public CrossSigning(Database db, CrossSigningStore store, DeviceKeyStore devices, UserLocks locks,
                        UserData users, KeyChanges changes) {
        this.db = db;
        this.store = store;
        this.devices = devices;
        this.locks = locks;
        this.users = users;
        this.changes = changes;
    }

    /**
     * The outcome of an upload: done, or the 401 body of user-interactive authentication.
     *
     * @param challenge null when the keys were stored
     */
    public record UploadResult(JsonObject challenge) {
    }

    /**
     * {@code POST /keys/device_signing/upload}.
     *
     * @param who  the requester
     * @param body the request body
     * @return the outcome
     */
    public UploadResult uploadKeys(Requester who, JsonObject body) {
        Map<String, StoredKey> uploaded = new LinkedHashMap<>();
        for (String[] field : new String[][] {{"master_key", CrossSigningStore.MASTER},
                {"self_signing_key", CrossSigningStore.SELF_SIGNING},
                {"user_signing_key", CrossSigningStore.USER_SIGNING}}) {
            JsonObject key = Fields.object(body, field[0]);
            if (key != null) {
                uploaded.put(field[1], parseKey(who.userId(), key, field[1], field[0]));
            }
        }
        Map<String, StoredKey> existing = store.keys(null, who.userId());
        StoredKey master = uploaded.getOrDefault(CrossSigningStore.MASTER, existing.get(CrossSigningStore.MASTER));
        for (StoredKey key : uploaded.values()) {
            if (key.usage().equals(CrossSigningStore.MASTER)) {
                continue;
            }
            if (master == null) {
                throw MatrixException.missingParam("No master signing key is available to check the "
                        + key.usage().replace('_', '-') + " key with.");
            }
            if (!Signed.verifies(key.json(), who.userId(), ED25519 + master.publicKey(), master.publicKey())) {
                throw DeviceKeys.invalidSignature("The " + key.usage().replace('_', '-')
                        + " key is not signed by the master key.");
            }
        }
        Set<String> deviceIds = deviceIds(who.userId());
        for (StoredKey key : uploaded.values()) {
            if (deviceIds.contains(key.publicKey())) {
                throw MatrixException.forbidden("Key ID in use: a device of yours has this id.");
            }
        }

        boolean noNewKeys = uploaded.values().stream().allMatch(k -> existing.containsKey(k.usage())
                && Signed.sameContent(existing.get(k.usage()).json(), k.json()));
        if (noNewKeys) {
            return new UploadResult(null);
        }
        if (existing.containsKey(CrossSigningStore.MASTER)) {
            UiaResponse auth = users.authenticate(new UiaRequest(who.userId(), UIA_PURPOSE, body));
            if (!auth.complete()) {
                return new UploadResult(auth.challenge());
            }
        }
        db.write(tx -> {
            // Without the lock two first uploads at once could both read no keys here and both store theirs, the
            // second replacing the first's without authentication.
            locks.lock(tx, who.userId());
            Map<String, StoredKey> current = store.keys(tx, who.userId());
            StoredKey oldMaster = current.get(CrossSigningStore.MASTER);
            StoredKey checkedMaster = existing.get(CrossSigningStore.MASTER);
            // The need for authentication was decided on the master key read before; another upload since then
            // must not let this one replace keys unauthenticated.
            if (oldMaster == null ? checkedMaster != null
                    : checkedMaster == null || !oldMaster.publicKey().equals(checkedMaster.publicKey())) {
                throw new MatrixException(Status.CONFLICT_409, ErrorCode.M_UNKNOWN,
                        "The cross-signing keys changed during this upload; try again.");
            }
            StoredKey newMaster = uploaded.get(CrossSigningStore.MASTER);
            if (newMaster != null && oldMaster != null && !oldMaster.publicKey().equals(newMaster.publicKey())) {
                store.delete(tx, who.userId(), oldMaster);
                for (String usage : List.of(CrossSigningStore.SELF_SIGNING, CrossSigningStore.USER_SIGNING)) {
                    if (current.containsKey(usage) && !uploaded.containsKey(usage)) {
                        store.delete(tx, who.userId(), current.get(usage));
                    }
                }
            }
            for (StoredKey key : uploaded.values()) {
                StoredKey old = current.get(key.usage());
                if (old != null && !old.publicKey().equals(key.publicKey())) {
                    store.delete(tx, who.userId(), old);
                }
                store.put(tx, who.userId(), key);
            }
            changes.crossSigning(who.userId());
            return null;
        });
        boolean replaced = existing.containsKey(CrossSigningStore.MASTER);
        LOG.log(System.Logger.Level.INFO, () -> "keys: user_id=" + who.userId() + " uploaded cross-signing keys "
                + uploaded.keySet() + (replaced ? " in place of earlier ones" : ""));
        return new UploadResult(null);
    }

    /**
     * {@code POST /keys/signatures/upload}: each signature is checked against the key that must have made it (the
     * self-signing key for the user's devices, a device key for the user's master key, the user-signing key for
     * other users' master keys) and stored; those that fail are reported in {@code failures}.
     *
     * @param who  the requester
     * @param body the request body
     * @return the response body
     */
    public JsonObject uploadSignatures(Requester who, JsonObject body) {
        JsonObjectBuilder failures = Json.object();
        for (Map.Entry<String, JsonValue> user : body.entrySet()) {
            if (user.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw MatrixException.badJson("The body must map user ids to objects.");
            }
            JsonObjectBuilder userFailures = Json.object();
            boolean failed = false;
            for (Map.Entry<String, JsonValue> signed : user.getValue().asJsonObject().entrySet()) {
                try {
                    if (!(signed.getValue() instanceof JsonObject object)) {
                        throw new Failure(ErrorCode.M_BAD_JSON, "The signed key must be an object.");
                    }
                    sign(who, user.getKey(), signed.getKey(), object);
                } catch (Failure f) {
                    userFailures.add(signed.getKey(), Json.object().add("errcode", f.code.name())
                            .add("error", f.getMessage()));
                    failed = true;
                }
            }
            if (failed) {
                failures.add(user.getKey(), userFailures);
            }
        }
        return Json.object().add("failures", failures).build();
    }

    private void sign(Requester who, String userId, String keyId, JsonObject signed) {
        Map<String, StoredKey> theirs = store.keys(null, userId);
        StoredKey master = theirs.get(CrossSigningStore.MASTER);
        if (userId.equals(who.userId()) && master != null && keyId.equals(master.publicKey())) {
            signOwnMaster(who, master, signed);
        } else if (userId.equals(who.userId())) {
            signOwnDevice(who, theirs.get(CrossSigningStore.SELF_SIGNING), keyId, signed);
        } else {
            signOtherMaster(who, userId, master, keyId, signed);
        }
    }

    private void signOwnDevice(Requester who, StoredKey selfSigning, String deviceId, JsonObject signed) {
        JsonObject deviceKeys = devices.deviceKeys(null, who.userId(), deviceId)
                .orElseThrow(() -> new Failure(ErrorCode.M_NOT_FOUND, "No such device or key."));
        if (!Signed.sameContent(deviceKeys, signed)) {
            throw new Failure(ErrorCode.M_INVALID_PARAM, "The signed object is not the device's keys.");
        }
        if (selfSigning == null) {
            throw new Failure(ErrorCode.M_MISSING_PARAM, "You have no self-signing key.");
        }
        String signerKeyId = ED25519 + selfSigning.publicKey();
        String signature = checked(signed, who.userId(), signerKeyId, selfSigning.publicKey());
        db.write(tx -> {
            // A replacement of the self-signing key deletes what the old key signed; a signature checked against
            // the old key must not be stored after that, nor one of device keys deleted or replaced since.
            locks.lock(tx, who.userId());
            requireUnchanged(tx, who.userId(), selfSigning);
            if (!devices.deviceKeys(tx, who.userId(), deviceId).map(k -> Signed.sameContent(k, signed))
                    .orElse(false)) {
                throw new Failure(ErrorCode.M_NOT_FOUND, "The device's keys changed while signing; try again.");
            }
            store.addSignature(tx, who.userId(), new CrossSigningStore.Signature(deviceId, who.userId(),
                    signerKeyId, signature));
            changes.deviceKeys(who.userId(), deviceId);
            return null;
        });
    }

    /**
     * A client re-uploads the master key as {@code /keys/query} returned it, with its own device's signature
     * added: the signatures the server holds already are accepted as they are, and those of devices that have no
     * keys here (deleted since) vouch for nothing and are dropped, so neither fails the upload. Every other
     * signature of a device must verify.
     */
    private void signOwnMaster(Requester who, StoredKey master, JsonObject signed) {
        if (!Signed.sameContent(master.json(), signed)) {
            throw new Failure(ErrorCode.M_INVALID_PARAM, "The signed object is not your master key.");
        }
        Map<String, String> held = heldSignatures(who.userId(), master);
        List<CrossSigningStore.Signature> found = new ArrayList<>();
        boolean known = false;
        if (signed.get("signatures") instanceof JsonObject all && all.get(who.userId()) instanceof JsonObject mine) {
            for (Map.Entry<String, JsonValue> entry : mine.entrySet()) {
                String signerKeyId = entry.getKey();
                if (!signerKeyId.startsWith(ED25519) || signerKeyId.equals(ED25519 + master.publicKey())) {
                    continue;
                }
                if (entry.getValue() instanceof JsonString value && value.getString().equals(held.get(signerKeyId))) {
                    known = true;
                    continue;
                }
                String deviceId = signerKeyId.substring(ED25519.length());
                String deviceKey = devices.deviceKeys(null, who.userId(), deviceId)
                        .map(k -> DeviceKeys.ed25519Key(k, deviceId)).orElse(null);
                if (deviceKey == null && deviceId.equals(who.deviceId())) {
                    throw new Failure(ErrorCode.M_NOT_FOUND, "Your device " + deviceId + " has uploaded no keys.");
                }
                if (deviceKey != null) {
                    found.add(new CrossSigningStore.Signature(master.publicKey(), who.userId(), signerKeyId,
                            checked(signed, who.userId(), signerKeyId, deviceKey)));
                }
            }
        }
        if (found.isEmpty() && !known) {
            throw new Failure(ErrorCode.M_INVALID_SIGNATURE, "No signature of one of your devices was found.");
        }
        if (found.isEmpty()) {
            return;
        }
        db.write(tx -> {
            // Replacing the master key or deleting a device deletes the signatures of the one and by the other;
            // a signature checked before either must not be stored after it.
            locks.lock(tx, who.userId());
            StoredKey current = store.key(tx, who.userId(), CrossSigningStore.MASTER).orElse(null);
            if (current == null || !current.publicKey().equals(master.publicKey())) {
                throw new Failure(ErrorCode.M_NOT_FOUND, "Your master key was replaced while signing.");
            }
            for (CrossSigningStore.Signature s : found) {
                String deviceId = s.signerKeyId().substring(ED25519.length());
                if (devices.deviceKeys(tx, who.userId(), deviceId).isEmpty()) {
                    throw new Failure(ErrorCode.M_NOT_FOUND, "Your device " + deviceId + " was deleted while "
                            + "signing.");
                }
            }
            found.forEach(s -> store.addSignature(tx, who.userId(), s));
            changes.crossSigning(who.userId());
            return null;
        });
    }

    /** The user's own signatures of their master key: uploaded with it, and uploaded later, by key id. */
    private Map<String, String> heldSignatures(String userId, StoredKey master) {
        Map<String, String> held = new HashMap<>();
        if (master.json().get("signatures") instanceof JsonObject all && all.get(userId) instanceof JsonObject own) {
            own.forEach((keyId, value) -> {
                if (value instanceof JsonString s) {
                    held.put(keyId, s.getString());
                }
            });
        }
        List<CrossSigningStore.Signature> later = store.signatures(List.of(userId)).getOrDefault(userId, List.of());
        for (CrossSigningStore.Signature signature : later) {
            if (signature.targetKeyId().equals(master.publicKey()) && signature.signerUserId().equals(userId)) {
                held.put(signature.signerKeyId(), signature.signature());
            }
        }
        return held;
    }

    private void signOtherMaster(Requester who, String userId, StoredKey master, String keyId, JsonObject signed) {
        if (master == null || !keyId.equals(master.publicKey())) {
            throw new Failure(ErrorCode.M_NOT_FOUND, "No such master key.");
        }
        if (!Signed.sameContent(master.json(), signed)) {
            throw new Failure(ErrorCode.M_INVALID_PARAM, "The signed object is not the user's master key.");
        }
        StoredKey userSigning = store.key(null, who.userId(), CrossSigningStore.USER_SIGNING)
                .orElseThrow(() -> new Failure(ErrorCode.M_MISSING_PARAM, "You have no user-signing key."));
        String signerKeyId = ED25519 + userSigning.publicKey();
        String signature = checked(signed, who.userId(), signerKeyId, userSigning.publicKey());
        db.write(tx -> {
            // Replacing the user-signing key deletes what the old key signed, and replacing the owner's master
            // key deletes the signatures of the old one: neither may be undone by a signature checked before.
            locks.lock(tx, who.userId(), userId);
            requireUnchanged(tx, who.userId(), userSigning);
            StoredKey current = store.key(tx, userId, CrossSigningStore.MASTER).orElse(null);
            if (current == null || !current.publicKey().equals(master.publicKey())) {
                throw new Failure(ErrorCode.M_NOT_FOUND, "The user's master key was replaced while signing.");
            }
            store.addSignature(tx, userId, new CrossSigningStore.Signature(master.publicKey(), who.userId(),
                    signerKeyId, signature));
            // The signature shows to the signer alone (see KeyQuery): the signer's other devices must learn whom
            // the user now trusts; the owner's view of their key has not changed, so the owner is not told.
            changes.crossSigning(who.userId());
            return null;
        });
    }

    /** Refuses the signature when the key it was checked with is no longer the user's key of that usage. */
    private void requireUnchanged(DbExecute tx, String userId, StoredKey signer) {
        StoredKey now = store.key(tx, userId, signer.usage()).orElse(null);
        if (now == null || !now.publicKey().equals(signer.publicKey())) {
            throw new Failure(ErrorCode.M_INVALID_SIGNATURE, "The " + signer.usage().replace('_', '-')
                    + " key that made this signature was replaced.");
        }
    }

    private static String checked(JsonObject signed, String signer, String keyId, String publicKey) {
        if (!Signed.verifies(signed, signer, keyId, publicKey)) {
            throw new Failure(ErrorCode.M_INVALID_SIGNATURE, "Invalid signature.");
        }
        return signed.getJsonObject("signatures").getJsonObject(signer).getString(keyId);
    }

    private StoredKey parseKey(String userId, JsonObject key, String usage, String field) {
        String owner = Fields.requiredString(key, "user_id");
        List<String> usages = Fields.strings(key.get("usage"), "'" + field + ".usage'");
        JsonObject keys = Fields.requiredObject(key, "keys");
        if (!owner.equals(userId)) {
            throw MatrixException.invalidParam("'" + field + ".user_id' must be your user id.");
        }
        if (!usages.contains(usage)) {
            throw MatrixException.invalidParam("'" + field + ".usage' must contain '" + usage + "'.");
        }
        if (keys.size() != 1) {
            throw MatrixException.invalidParam("'" + field + ".keys' must hold exactly one key.");
        }
        Map.Entry<String, JsonValue> only = keys.entrySet().iterator().next();
        String publicKey = only.getValue() instanceof JsonString s ? s.getString() : null;
        if (publicKey == null || !only.getKey().equals(ED25519 + publicKey) || !Signed.isPublicKey(publicKey)) {
            throw MatrixException.invalidParam("'" + field + ".keys' must be {\"ed25519:<public key>\": "
                    + "\"<public key>\"} with an unpadded Base64 Ed25519 key.");
        }
        if (key.containsKey("signatures") && key.get("signatures").getValueType() != JsonValue.ValueType.OBJECT) {
            throw MatrixException.badJson("'" + field + ".signatures' must be an object.");
        }
        JsonObject stripped = JsonSupport.provider().createObjectBuilder(key).remove("unsigned").build();
        return new StoredKey(usage, publicKey, stripped);
    }

    private Set<String> deviceIds(String userId) {
        Set<String> ids = new HashSet<>(devices.deviceKeys(userId).keySet());
        for (DeviceInfo device : users.devices(new DevicesRequest(List.of(userId))).devices()
                .getOrDefault(userId, List.of())) {
            ids.add(device.deviceId());
        }
        return ids;
    }

    /** A signature that cannot be accepted, reported in {@code failures}. */
    private static final class Failure extends RuntimeException {
        private final ErrorCode code;

        Failure(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
