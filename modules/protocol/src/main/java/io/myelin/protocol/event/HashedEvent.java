package io.myelin.protocol.event;

import jakarta.json.JsonObject;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.JsonSignatures;
import io.myelin.protocol.crypto.Sha256;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.json.UnpaddedBase64;

/**
 * An event this server creates, with its content hash and its id, waiting for its signature (server-server API,
 * "Signing events"). The reference hash and the signature cover the same bytes, the canonical JSON of the redacted
 * event without {@code signatures} and {@code unsigned}, so they are encoded once for both; the event id does not
 * depend on the signature, which is why an event can be named before it is signed.
 */
public final class HashedEvent {

    private final RoomVersion version;
    private final JsonObject json;
    private final byte[] signedBytes;
    private final String eventId;
    private final int unsignedSize;

    private HashedEvent(RoomVersion version, JsonObject json, byte[] signedBytes, String eventId, int unsignedSize) {
        this.version = version;
        this.json = json;
        this.signedBytes = signedBytes;
        this.eventId = eventId;
        this.unsignedSize = unsignedSize;
    }

    /**
     * Adds the content hash to an event and works out its id.
     *
     * @param version the room version
     * @param event the event without hashes and signatures; in versions 1-2 with its {@code event_id}
     * @return the hashed event
     * @throws ProtocolException when the event cannot be encoded canonically for its room version
     */
    public static HashedEvent of(RoomVersion version, JsonObject event) {
        boolean strict = version.strictCanonicalJson();
        JsonObject stripped = EventHashes.without(event, "unsigned", "signatures", "hashes");
        byte[] covered = CanonicalJson.encode(stripped, strict);
        JsonObject hashes = JsonSupport.objectBuilder()
                .add("sha256", UnpaddedBase64.encode(Sha256.digest(covered))).build();
        JsonObject hashed = JsonSupport.objectBuilder(event).add("hashes", hashes).build();
        byte[] signedBytes = JsonSignatures.signedBytes(Redaction.redact(hashed, version), strict);
        String eventId = version.eventIdFormat() == RoomVersion.EventIdFormat.SERVER_SCOPED
                ? EventIds.eventId(hashed, version)
                : EventIds.fromReferenceHash(Sha256.digest(signedBytes), version);
        // The whole event's canonical size follows from the bytes the content hash covered: each member added to a
        // non-empty object adds a comma, its key, a colon and its value, wherever it sorts.
        int size = stripped.isEmpty() || event.containsKey("unsigned") || event.containsKey("signatures") ? -1
                : covered.length + memberSize("hashes", hashes, strict);
        return new HashedEvent(version, hashed, signedBytes, eventId, size);
    }

    /** @return the event with its content hash, not signed */
    public JsonObject json() {
        return json;
    }

    /** @return the event id, which the signature will not change */
    public String eventId() {
        return eventId;
    }

    /**
     * The reference hash, which events of versions 1 and 2 cite beside the id of an event they name.
     *
     * @return SHA-256 of the redacted event without {@code signatures} and {@code unsigned}
     */
    public byte[] referenceHash() {
        return Sha256.digest(signedBytes);
    }

    /**
     * Signs the event and parses it.
     *
     * @param serverName this server's name
     * @param key this server's signing key
     * @return the signed event, {@code unsigned} kept as it was
     * @throws ProtocolException when the event does not have the format of its version
     */
    public Pdu sign(String serverName, SigningKey key) {
        JsonObject redacted = Redaction.redact(json, version);
        JsonObject signatures = JsonSignatures.withSignature(redacted, serverName, key, signedBytes);
        JsonObject signed = JsonSupport.objectBuilder(json).add("signatures", signatures).build();
        int size = unsignedSize < 0 ? -1 : unsignedSize + memberSize("signatures", signatures,
                version.strictCanonicalJson());
        return Pdu.signed(version, signed, eventId, size);
    }

    private static int memberSize(String key, JsonObject value, boolean strict) {
        // ,"key": and the value
        return key.length() + 4 + CanonicalJson.encode(value, strict).length;
    }
}
