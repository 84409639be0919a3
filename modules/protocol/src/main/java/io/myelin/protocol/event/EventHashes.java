package io.myelin.protocol.event;

import java.security.MessageDigest;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.Sha256;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.json.UnpaddedBase64;

/**
 * Content hashes and reference hashes of events (server-server API, "Calculating the content hash for an
 * event" and "Calculating the reference hash for an event"). Canonical JSON is strict for room versions 6
 * and later, so an event with a float or an out-of-range integer has no hash there and is refused.
 */
public final class EventHashes {

    private EventHashes() {
    }

    /**
     * Computes the content hash: SHA-256 of the canonical JSON of the event without {@code unsigned},
     * {@code signatures} and {@code hashes}.
     *
     * @param event the full (unredacted) event
     * @param version the room version
     * @return the 32-byte hash
     * @throws ProtocolException when the event cannot be encoded canonically for its room version
     */
    public static byte[] contentHash(JsonObject event, RoomVersion version) {
        JsonObject stripped = without(event, "unsigned", "signatures", "hashes");
        return Sha256.digest(CanonicalJson.encode(stripped, version.strictCanonicalJson()));
    }

    /**
     * Computes the reference hash: SHA-256 of the canonical JSON of the redacted event without
     * {@code signatures} and {@code unsigned}.
     *
     * @param event the event
     * @param version the room version
     * @return the 32-byte hash
     * @throws ProtocolException when the event cannot be encoded canonically for its room version
     */
    public static byte[] referenceHash(JsonObject event, RoomVersion version) {
        JsonObject redacted = without(Redaction.redact(event, version), "signatures", "unsigned");
        return Sha256.digest(CanonicalJson.encode(redacted, version.strictCanonicalJson()));
    }

    /**
     * Checks an event's {@code hashes.sha256} against its content.
     *
     * @param event the event
     * @param version the room version
     * @return whether the event carries a SHA-256 content hash that matches
     */
    public static boolean contentHashMatches(JsonObject event, RoomVersion version) {
        if (!(event.get("hashes") instanceof JsonObject hashes)) {
            return false;
        }
        String expected = JsonSupport.stringOrNull(hashes, "sha256");
        if (expected == null) {
            return false;
        }
        byte[] claimed;
        try {
            claimed = UnpaddedBase64.decode(expected);
        } catch (ProtocolException e) {
            return false;
        }
        return MessageDigest.isEqual(claimed, contentHash(event, version));
    }

    /**
     * Adds (or replaces) {@code hashes.sha256} with the event's content hash, as a server does before signing
     * an event it creates.
     *
     * @param event the event without signatures
     * @param version the room version
     * @return the event with its content hash
     */
    public static JsonObject withContentHash(JsonObject event, RoomVersion version) {
        String hash = UnpaddedBase64.encode(contentHash(event, version));
        return JsonSupport.objectBuilder(event)
                .add("hashes", JsonSupport.objectBuilder().add("sha256", hash))
                .build();
    }

    static JsonObject without(JsonObject object, String... keys) {
        boolean any = false;
        for (String key : keys) {
            any |= object.containsKey(key);
        }
        if (!any) {
            return object;
        }
        JsonObjectBuilder builder = JsonSupport.objectBuilder(object);
        for (String key : keys) {
            builder.remove(key);
        }
        return builder.build();
    }
}
