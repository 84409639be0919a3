package io.myelin.protocol.event;

import java.security.SecureRandom;

import jakarta.json.JsonObject;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.protocol.json.UnpaddedBase64;

/**
 * Event ids for every {@link RoomVersion.EventIdFormat}: taken from the event in versions 1 and 2,
 * derived from the reference hash in later versions; and the room id that version 12 derives from the
 * {@code m.room.create} event.
 */
public final class EventIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {
    }

    /**
     * Returns the id of an event.
     *
     * @param event the event JSON
     * @param version the room version
     * @return the event id
     * @throws ProtocolException when a version 1-2 event lacks {@code event_id}, or the event cannot be hashed
     */
    public static String eventId(JsonObject event, RoomVersion version) {
        return switch (version.eventIdFormat()) {
            case SERVER_SCOPED -> {
                String id = JsonSupport.stringOrNull(event, "event_id");
                if (id == null) {
                    throw new ProtocolException("event_id must be a string in room version " + version.id());
                }
                yield id;
            }
            case BASE64, URL_SAFE_BASE64 -> fromReferenceHash(EventHashes.referenceHash(event, version), version);
        };
    }

    /**
     * Writes an event id from a reference hash.
     *
     * @param referenceHash the 32-byte reference hash
     * @param version a room version whose event ids are hashes
     * @return {@code $} and the hash in the version's Base64 alphabet
     */
    public static String fromReferenceHash(byte[] referenceHash, RoomVersion version) {
        return switch (version.eventIdFormat()) {
            case BASE64 -> "$" + UnpaddedBase64.encode(referenceHash);
            case URL_SAFE_BASE64 -> "$" + UnpaddedBase64.encodeUrlSafe(referenceHash);
            case SERVER_SCOPED -> throw new IllegalArgumentException(
                    "room version " + version.id() + " does not derive event ids from hashes");
        };
    }

    /**
     * Makes a new event id for room versions 1 and 2, where the creating server chooses it.
     *
     * @param serverName this server's name
     * @return {@code $} and 18 random letters, {@code :} and the server name
     */
    public static String newServerScopedId(String serverName) {
        return "$" + randomLetters(18) + ":" + serverName;
    }

    /**
     * Makes a new room id for room versions 1 to 11, where the creating server chooses it.
     *
     * @param serverName this server's name
     * @return {@code !} and 18 random letters, {@code :} and the server name
     */
    public static String newServerScopedRoomId(String serverName) {
        return "!" + randomLetters(18) + ":" + serverName;
    }

    private static String randomLetters(int count) {
        String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        StringBuilder out = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            out.append(letters.charAt(RANDOM.nextInt(letters.length())));
        }
        return out.toString();
    }

    /**
     * The room id of a version 12 room: the create event's id with the sigil {@code !} instead of {@code $}.
     *
     * @param createEventId the id of the {@code m.room.create} event
     * @return the room id
     */
    public static String roomIdFromCreateEventId(String createEventId) {
        if (!createEventId.startsWith("$")) {
            throw new ProtocolException("not an event id: " + createEventId);
        }
        return "!" + createEventId.substring(1);
    }
}
