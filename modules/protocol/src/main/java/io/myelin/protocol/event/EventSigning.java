package io.myelin.protocol.event;

import jakarta.json.JsonObject;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.JsonSupport;

/**
 * Hashing and signing an event this server creates (server-server API, "Signing events"): the content hash
 * covers the whole event, the signature covers only its redacted form, so that a redacted copy still
 * verifies.
 */
public final class EventSigning {

    private EventSigning() {
    }

    /**
     * Adds the content hash and this server's signature to an event.
     *
     * @param event the event, without {@code hashes} (any present are replaced)
     * @param version the room version
     * @param serverName this server's name
     * @param key this server's signing key
     * @return the hashed and signed event, {@code unsigned} kept as it was
     * @throws ProtocolException when the event cannot be encoded canonically for its room version
     */
    public static JsonObject hashAndSign(JsonObject event, RoomVersion version, String serverName, SigningKey key) {
        JsonObject hashed = EventHashes.withContentHash(event, version);
        JsonObject signedRedacted = JsonSignatures.sign(Redaction.redact(hashed, version), serverName, key,
                version.strictCanonicalJson());
        return JsonSupport.objectBuilder(hashed).add("signatures", signedRedacted.get("signatures")).build();
    }

    /**
     * Adds a signature to an already hashed event, as a resident server does when it co-signs a join
     * ({@code make_join}/{@code send_join} in restricted rooms) or an invite.
     *
     * @param event the hashed event
     * @param version the room version
     * @param serverName the signing server
     * @param key its signing key
     * @return the event with the extra signature
     */
    public static JsonObject addSignature(JsonObject event, RoomVersion version, String serverName, SigningKey key) {
        JsonObject signedRedacted = JsonSignatures.sign(Redaction.redact(event, version), serverName, key,
                version.strictCanonicalJson());
        return JsonSupport.objectBuilder(event).add("signatures", signedRedacted.get("signatures")).build();
    }
}
