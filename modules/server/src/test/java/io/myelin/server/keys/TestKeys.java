package io.myelin.server.keys;

import java.security.SecureRandom;

import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.UnpaddedBase64;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Keys a test client makes and signs the way an end-to-end-encryption library does: Ed25519 over the canonical
 * JSON of the object without {@code signatures} and {@code unsigned}.
 */
final class TestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {
    }

    static SigningKey newKey() {
        return SigningKey.generate("k");
    }

    static String publicKey(SigningKey key) {
        return key.verifyKey().base64();
    }

    /** A random 32-byte value in unpadded Base64, standing in for a Curve25519 key. */
    static String curve25519() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return UnpaddedBase64.encode(bytes);
    }

    /** Adds {@code signatures[signer][keyId]}, keeping the signatures already there. */
    static JsonObject sign(JsonObject object, String signer, String keyId, SigningKey key) {
        String signature = UnpaddedBase64.encode(key.sign(JsonSignatures.signedBytes(object, false)));
        JsonObject signatures = object.containsKey("signatures") ? object.getJsonObject("signatures")
                : Json.createObjectBuilder().build();
        JsonObjectBuilder mine = signatures.containsKey(signer)
                ? Json.createObjectBuilder(signatures.getJsonObject(signer)) : Json.createObjectBuilder();
        mine.add(keyId, signature);
        return Json.createObjectBuilder(object)
                .add("signatures", Json.createObjectBuilder(signatures).add(signer, mine)).build();
    }

    /** A device's identity keys, self-signed. */
    static JsonObject deviceKeys(String userId, String deviceId, SigningKey key) {
        JsonObject keys = Json.createObjectBuilder().add("user_id", userId).add("device_id", deviceId)
                .add("algorithms", Json.createArrayBuilder().add("m.olm.v1.curve25519-aes-sha2")
                        .add("m.megolm.v1.aes-sha2"))
                .add("keys", Json.createObjectBuilder().add("curve25519:" + deviceId, curve25519())
                        .add("ed25519:" + deviceId, publicKey(key)))
                .build();
        return sign(keys, userId, "ed25519:" + deviceId, key);
    }

    /** A signed one-time (or, with {@code fallback}, fallback) key object. */
    static JsonObject oneTimeKey(String userId, String deviceId, SigningKey deviceKey, boolean fallback) {
        JsonObjectBuilder key = Json.createObjectBuilder().add("key", curve25519());
        if (fallback) {
            key.add("fallback", true);
        }
        return sign(key.build(), userId, "ed25519:" + deviceId, deviceKey);
    }

    /** An unsigned cross-signing key object. */
    static JsonObject crossSigningKey(String userId, String usage, SigningKey key) {
        return Json.createObjectBuilder().add("user_id", userId).add("usage", Json.createArrayBuilder().add(usage))
                .add("keys", Json.createObjectBuilder().add("ed25519:" + publicKey(key), publicKey(key))).build();
    }

    /** A cross-signing key signed by the user's master key. */
    static JsonObject signedByMaster(String userId, String usage, SigningKey key, SigningKey master) {
        return sign(crossSigningKey(userId, usage, key), userId, "ed25519:" + publicKey(master), master);
    }
}
