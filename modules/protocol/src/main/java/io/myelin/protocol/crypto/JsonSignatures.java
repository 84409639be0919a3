package io.myelin.protocol.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.json.UnpaddedBase64;

/**
 * Signing and checking signed JSON (appendix, "Signing JSON" and "Checking for a Signature"): the signature
 * covers the canonical JSON of the object without {@code signatures} and {@code unsigned}, and is stored
 * under {@code signatures[signer][key id]}.
 */
public final class JsonSignatures {

    /** Pass as the validity time to skip the key validity check (room versions before 5, non-event JSON). */
    public static final long ANY_TIME = Long.MIN_VALUE;

    private JsonSignatures() {
    }

    /**
     * The bytes a signature covers.
     *
     * @param object the signed or unsigned object
     * @param strict whether canonical JSON must be strict (room version 6+ events)
     * @return the canonical JSON of the object without {@code signatures} and {@code unsigned}
     */
    public static byte[] signedBytes(JsonObject object, boolean strict) {
        JsonObject stripped = object;
        if (object.containsKey("signatures") || object.containsKey("unsigned")) {
            stripped = JsonSupport.objectBuilder(object).remove("signatures").remove("unsigned").build();
        }
        return CanonicalJson.encode(stripped, strict);
    }

    /**
     * Signs an object, keeping signatures already present.
     *
     * @param object the object
     * @param signer the signing entity, usually a server name
     * @param key the signing key
     * @param strict whether canonical JSON must be strict
     * @return the object with the signature added
     * @throws ProtocolException when the object cannot be encoded canonically, or has a non-object
     *     {@code signatures}
     */
    public static JsonObject sign(JsonObject object, String signer, SigningKey key, boolean strict) {
        JsonObject updated = withSignature(object, signer, key, signedBytes(object, strict));
        return JsonSupport.objectBuilder(object).add("signatures", updated).build();
    }

    /**
     * Signs the bytes {@link #signedBytes} gave for an object, for a caller that needed those bytes already.
     *
     * @param object the object the bytes were encoded from
     * @param signer the signing entity, usually a server name
     * @param key the signing key
     * @param signedBytes {@code signedBytes(object, strict)}
     * @return the object's {@code signatures} with the new signature added, the others kept
     * @throws ProtocolException when the object has a non-object {@code signatures}
     */
    public static JsonObject withSignature(JsonObject object, String signer, SigningKey key, byte[] signedBytes) {
        String signature = UnpaddedBase64.encode(key.sign(signedBytes));
        JsonObject signatures = objectOrEmpty(object, "signatures");
        JsonObject mine = objectOrEmpty(signatures, signer);
        JsonObject updatedMine = JsonSupport.objectBuilder(mine).add(key.keyId(), signature).build();
        return JsonSupport.objectBuilder(signatures).add(signer, updatedMine).build();
    }

    /**
     * The Ed25519 key ids under which an entity has signed an object.
     *
     * @param object the object
     * @param signer the entity
     * @return the key ids, possibly empty
     */
    public static List<String> keyIds(JsonObject object, String signer) {
        if (!(object.get("signatures") instanceof JsonObject signatures)
                || !(signatures.get(signer) instanceof JsonObject mine)) {
            return List.of();
        }
        return mine.keySet().stream().filter(KeyIds::isEd25519).toList();
    }

    /**
     * Checks that an entity has signed an object. Every signature of the entity made with a key the lookup
     * knows (and, when a time is given, that was valid at that time) must verify, and there must be at least
     * one such signature.
     *
     * @param object the signed object
     * @param signer the entity whose signature is required
     * @param keys where to find verify keys
     * @param validAtTs the time the keys must be valid at ({@code origin_server_ts} for events of room
     *     version 5+), or {@link #ANY_TIME}
     * @param strict whether canonical JSON must be strict
     * @throws ProtocolException saying why the check failed
     */
    public static void verify(JsonObject object, String signer, KeyLookup keys, long validAtTs, boolean strict) {
        List<String> keyIds = keyIds(object, signer);
        if (keyIds.isEmpty()) {
            throw new ProtocolException("no ed25519 signature from " + signer);
        }
        JsonObject mine = object.getJsonObject("signatures").getJsonObject(signer);
        byte[] message = null;
        List<String> problems = new ArrayList<>();
        int verified = 0;
        for (String keyId : keyIds) {
            Optional<ServerKey> found = keys.find(signer, keyId);
            if (found.isEmpty()) {
                problems.add("unknown key " + keyId);
                continue;
            }
            if (validAtTs != ANY_TIME && found.get().validUntilTs() < validAtTs) {
                problems.add("key " + keyId + " was not valid at " + validAtTs);
                continue;
            }
            byte[] signature = decodeSignature(mine.get(keyId));
            if (message == null) {
                message = signedBytes(object, strict);
            }
            if (signature == null || !found.get().key().verify(message, signature)) {
                throw new ProtocolException("invalid signature from " + signer + " with " + keyId);
            }
            verified++;
        }
        if (verified == 0) {
            throw new ProtocolException("no verifiable signature from " + signer + ": " + String.join(", ", problems));
        }
    }

    private static byte[] decodeSignature(JsonValue value) {
        if (!(value instanceof JsonString text)) {
            return null;
        }
        try {
            return UnpaddedBase64.decode(text.getString());
        } catch (ProtocolException e) {
            return null;
        }
    }

    private static JsonObject objectOrEmpty(JsonObject object, String key) {
        JsonValue value = object.get(key);
        if (value == null) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (value instanceof JsonObject o) {
            return o;
        }
        throw new ProtocolException(key + " must be an object");
    }
}
