package io.myelin.protocol.auth;

import java.util.List;
import java.util.Map;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.VerifyKey;
import io.myelin.protocol.json.UnpaddedBase64;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Verifies third-party invite signatures with Ed25519 over the canonical JSON of {@code signed} (without
 * its {@code signatures}), accepting any signature that verifies with any of the invite's public keys.
 */
final class Ed25519InviteVerifier implements ThirdPartyInviteVerifier {

    static final Ed25519InviteVerifier INSTANCE = new Ed25519InviteVerifier();

    private Ed25519InviteVerifier() {
    }

    @Override
    public boolean verify(JsonObject signed, List<String> publicKeys) {
        if (!(signed.get("signatures") instanceof JsonObject signatures)) {
            return false;
        }
        byte[] message;
        try {
            // Identity servers sign loosely formed JSON, so the lenient canonical form is the one signed.
            message = JsonSignatures.signedBytes(signed, false);
        } catch (ProtocolException e) {
            return false;
        }
        for (JsonValue bySigner : signatures.values()) {
            if (!(bySigner instanceof JsonObject keyed)) {
                continue;
            }
            for (Map.Entry<String, JsonValue> entry : keyed.entrySet()) {
                if (entry.getKey().startsWith("ed25519:") && entry.getValue() instanceof JsonString signature
                        && verifiesWithAny(entry.getKey(), signature.getString(), message, publicKeys)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean verifiesWithAny(String keyId, String signature, byte[] message, List<String> keys) {
        byte[] raw;
        try {
            raw = UnpaddedBase64.decode(signature);
        } catch (ProtocolException | IllegalArgumentException e) {
            return false;
        }
        for (String key : keys) {
            try {
                if (VerifyKey.fromBase64(keyId, key).verify(message, raw)) {
                    return true;
                }
            } catch (ProtocolException | IllegalArgumentException e) {
                // A malformed public key verifies nothing; the next one may.
            }
        }
        return false;
    }
}
