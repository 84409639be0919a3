package io.myelin.protocol.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.json.JsonSupport;

/**
 * A server's published key document ({@code GET /_matrix/key/v2/server}, server-server API "Publishing
 * Keys"): building and signing our own, and reading and checking another server's.
 *
 * @param serverName the server the keys belong to
 * @param validUntilTs when the current keys should be fetched again, as published
 * @param verifyKeys the current keys, by key id
 * @param oldVerifyKeys former keys, by key id, each valid until its {@code expired_ts}
 */
public record ServerKeys(String serverName, long validUntilTs, Map<String, VerifyKey> verifyKeys,
                         Map<String, ServerKey> oldVerifyKeys) {

    /** An old key to publish under {@code old_verify_keys}. */
    public record OldKey(VerifyKey key, long expiredTs) {
    }

    /**
     * Builds this server's key document, signed with every current key.
     *
     * @param serverName this server's name
     * @param current the current signing keys
     * @param old former keys
     * @param validUntilTs when other servers should fetch the document again
     * @return the signed document
     */
    public static JsonObject document(String serverName, List<SigningKey> current, List<OldKey> old,
                                      long validUntilTs) {
        if (current.isEmpty()) {
            throw new IllegalArgumentException("a key document needs a current key");
        }
        JsonObjectBuilder verify = JsonSupport.objectBuilder();
        current.forEach(k -> verify.add(k.keyId(), JsonSupport.objectBuilder().add("key", k.verifyKey().base64())));
        JsonObjectBuilder expired = JsonSupport.objectBuilder();
        old.forEach(k -> expired.add(k.key().keyId(), JsonSupport.objectBuilder()
                .add("key", k.key().base64()).add("expired_ts", k.expiredTs())));
        JsonObject document = JsonSupport.objectBuilder()
                .add("server_name", serverName)
                .add("valid_until_ts", validUntilTs)
                .add("verify_keys", verify)
                .add("old_verify_keys", expired)
                .build();
        for (SigningKey key : current) {
            document = JsonSignatures.sign(document, serverName, key, false);
        }
        return document;
    }

    /**
     * Reads another server's key document and checks that it is for the expected server and signed by each
     * of its current keys.
     *
     * @param document the document as fetched (directly or inside a notary response)
     * @param expectedServer the server whose keys were requested
     * @return the keys
     * @throws ProtocolException when the document is malformed, for another server, or not self-signed
     */
    public static ServerKeys parse(JsonObject document, String expectedServer) {
        if (!expectedServer.equals(JsonSupport.stringOrNull(document, "server_name"))) {
            throw new ProtocolException("key document is not for " + expectedServer);
        }
        if (!(document.get("valid_until_ts") instanceof JsonNumber until) || !until.isIntegral()) {
            throw new ProtocolException("key document valid_until_ts must be an integer");
        }
        Map<String, VerifyKey> current = new LinkedHashMap<>();
        for (var entry : object(document, "verify_keys").entrySet()) {
            if (KeyIds.isEd25519(entry.getKey())) {
                current.put(entry.getKey(), VerifyKey.fromBase64(entry.getKey(), keyText(entry.getValue())));
            }
        }
        if (current.isEmpty()) {
            throw new ProtocolException("key document has no ed25519 verify key");
        }
        Map<String, ServerKey> old = new LinkedHashMap<>();
        if (document.containsKey("old_verify_keys")) {
            for (var entry : object(document, "old_verify_keys").entrySet()) {
                if (KeyIds.isEd25519(entry.getKey()) && entry.getValue() instanceof JsonObject o
                        && o.get("expired_ts") instanceof JsonNumber ts && ts.isIntegral()) {
                    old.put(entry.getKey(), new ServerKey(VerifyKey.fromBase64(entry.getKey(), keyText(o)),
                            ts.longValue()));
                }
            }
        }
        // Every current key must have signed the document, so a key cannot be listed by someone else.
        for (VerifyKey key : current.values()) {
            KeyLookup self = (server, keyId) -> keyId.equals(key.keyId())
                    ? Optional.of(new ServerKey(key, Long.MAX_VALUE)) : Optional.empty();
            if (!JsonSignatures.keyIds(document, expectedServer).contains(key.keyId())) {
                throw new ProtocolException("key document is not signed with " + key.keyId());
            }
            JsonSignatures.verify(document, expectedServer, self, JsonSignatures.ANY_TIME, false);
        }
        return new ServerKeys(expectedServer, until.longValue(), Map.copyOf(current), Map.copyOf(old));
    }

    /**
     * The key lookup entries this document provides, current keys valid until {@code valid_until_ts} capped at
     * seven days from the fetch (room versions 5+).
     *
     * @param fetchedAtMillis when the document was fetched
     * @return the keys by key id
     */
    public Map<String, ServerKey> lookupEntries(long fetchedAtMillis) {
        Map<String, ServerKey> out = new LinkedHashMap<>(oldVerifyKeys);
        long until = ServerKey.cappedValidity(validUntilTs, fetchedAtMillis);
        verifyKeys.forEach((id, key) -> out.put(id, new ServerKey(key, until)));
        return out;
    }

    private static JsonObject object(JsonObject document, String key) {
        if (document.get(key) instanceof JsonObject o) {
            return o;
        }
        throw new ProtocolException("key document " + key + " must be an object");
    }

    private static String keyText(JsonValue value) {
        if (value instanceof JsonObject o && JsonSupport.stringOrNull(o, "key") != null) {
            return o.getString("key");
        }
        throw new ProtocolException("key document entries need a key string");
    }
}
