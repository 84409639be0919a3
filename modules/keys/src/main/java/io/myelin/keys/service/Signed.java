package io.myelin.keys.service;

import java.util.Arrays;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.VerifyKey;
import io.myelin.protocol.json.UnpaddedBase64;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/**
 * Checks Ed25519 signatures on end-to-end-encryption key objects ("Signing JSON": the canonical JSON of the object
 * without {@code signatures} and {@code unsigned}). Key ids here name devices or public keys, which the server-key
 * id grammar does not allow, so the key is taken by its Base64 value, not by its id.
 */
final class Signed {

    // VerifyKey wants a key id; the one used for checking never leaves this class.
    private static final String ANY_KEY_ID = "ed25519:key";

    private Signed() {
    }

    /**
     * @param object    the signed object
     * @param signer    the user whose signature is wanted
     * @param keyId     the signature's key id, {@code ed25519:<device id or public key>}
     * @param publicKey the signing key, unpadded Base64
     * @return whether the object carries that signature and it verifies
     */
    static boolean verifies(JsonObject object, String signer, String keyId, String publicKey) {
        if (!(object.get("signatures") instanceof JsonObject signatures)
                || !(signatures.get(signer) instanceof JsonObject mine)
                || !(mine.get(keyId) instanceof JsonString signature)) {
            return false;
        }
        try {
            VerifyKey key = VerifyKey.of(ANY_KEY_ID, UnpaddedBase64.decode(publicKey));
            return key.verify(JsonSignatures.signedBytes(object, false), UnpaddedBase64.decode(signature.getString()));
        } catch (ProtocolException e) {
            return false;
        }
    }

    /**
     * @param a a key object
     * @param b another
     * @return whether both sign the same content, whatever their signatures
     */
    static boolean sameContent(JsonObject a, JsonObject b) {
        try {
            return Arrays.equals(JsonSignatures.signedBytes(a, false), JsonSignatures.signedBytes(b, false));
        } catch (ProtocolException e) {
            return false;
        }
    }

    /**
     * @param base64 a claimed Ed25519 public key
     * @return whether it is unpadded Base64 of 32 bytes
     */
    static boolean isPublicKey(String base64) {
        try {
            return UnpaddedBase64.decode(base64).length == 32 && !base64.endsWith("=");
        } catch (ProtocolException e) {
            return false;
        }
    }
}
