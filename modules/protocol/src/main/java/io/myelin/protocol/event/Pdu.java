package io.myelin.protocol.event;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.json.CanonicalJson;
import io.myelin.protocol.json.JsonSupport;

/**
 * A room event (persistent data unit) parsed for its room version. Parsing checks the event format of the
 * version (required fields and their JSON types) and derives the event id, and for a version 12
 * {@code m.room.create} event the room id. It does not check signatures, hashes, identifiers' grammar or
 * size limits; {@link PduValidator} does. A {@link ProtocolException} from {@link #parse} means the event
 * is not a valid event of that version and must be dropped.
 *
 * <p>Immutable; the original JSON is kept as received, for storage and re-sending.
 */
public final class Pdu implements EventView {

    private final RoomVersion version;
    // Null in a compact copy until someone asks for it; then parsed from the text once.
    private volatile JsonObject json;
    private final String jsonText;
    private final String eventId;
    private final String roomId;
    private final String type;
    private final String stateKey;
    private final String sender;
    private final JsonObject content;
    private final List<String> prevEventIds;
    private final List<String> authEventIds;
    private final long depth;
    private final long originServerTs;
    private final String redacts;
    private final int canonicalSize;

    private Pdu(RoomVersion version, JsonObject json, String eventId, String roomId, int canonicalSize) {
        this.version = version;
        this.canonicalSize = canonicalSize;
        this.json = json;
        this.jsonText = null;
        this.eventId = eventId;
        this.roomId = roomId;
        this.type = requiredString(json, "type");
        this.stateKey = optionalString(json, "state_key");
        this.sender = requiredString(json, "sender");
        this.content = requiredObject(json, "content");
        this.prevEventIds = references(json, "prev_events", version);
        this.authEventIds = references(json, "auth_events", version);
        this.depth = requiredInteger(json, "depth");
        this.originServerTs = requiredInteger(json, "origin_server_ts");
        this.redacts = version.v11Rules() ? optionalString(content, "redacts") : optionalString(json, "redacts");
    }

    private Pdu(Pdu full, String jsonText) {
        this.version = full.version;
        this.json = null;
        this.jsonText = jsonText;
        this.eventId = full.eventId;
        this.roomId = full.roomId;
        this.type = full.type;
        this.stateKey = full.stateKey;
        this.sender = full.sender;
        this.content = full.content;
        this.prevEventIds = full.prevEventIds;
        this.authEventIds = full.authEventIds;
        this.depth = full.depth;
        this.originServerTs = full.originServerTs;
        this.redacts = full.redacts;
        this.canonicalSize = full.canonicalSize;
    }

    /**
     * The same event holding its JSON as text rather than as a tree, for keeping many events at little cost: the
     * fields the auth rules read stay as they are, the whole JSON is parsed again the first time it is asked for.
     *
     * @param jsonText this event's JSON, written out (as stored)
     * @return the compact copy
     */
    public Pdu compact(String jsonText) {
        return new Pdu(this, jsonText);
    }

    /**
     * Parses an event of a room version.
     *
     * @param version the room version of the event's room
     * @param json the event JSON as received
     * @return the event
     * @throws ProtocolException when the event does not have the format of its version
     */
    public static Pdu parse(RoomVersion version, JsonObject json) {
        requiredObject(json, "hashes");
        requiredObject(json, "signatures");
        requiredString(json, "type");
        return of(version, json, EventIds.eventId(json, version), -1);
    }

    /**
     * An event this server just hashed and signed, whose id is known already ({@link HashedEvent}).
     *
     * @param canonicalSize the size of its canonical JSON, or -1 when not known
     */
    static Pdu signed(RoomVersion version, JsonObject json, String eventId, int canonicalSize) {
        return of(version, json, eventId, canonicalSize);
    }

    private static Pdu of(RoomVersion version, JsonObject json, String eventId, int canonicalSize) {
        String type = requiredString(json, "type");
        String roomId;
        if (version.v12Rules() && type.equals("m.room.create")) {
            // A version 12 room is named after its create event, which therefore cannot name the room.
            roomId = EventIds.roomIdFromCreateEventId(eventId);
        } else {
            roomId = requiredString(json, "room_id");
        }
        Pdu pdu = new Pdu(version, json, eventId, roomId, canonicalSize);
        if (pdu.depth < 0) {
            throw new ProtocolException("depth must not be negative");
        }
        return pdu;
    }

    /**
     * Hashes and signs an event this server creates, then parses it: the path of every local event.
     *
     * @param version the room version
     * @param event the event without hashes and signatures; in versions 1-2 with its {@code event_id}
     * @param serverName this server's name
     * @param key this server's signing key
     * @return the signed event
     * @throws ProtocolException when the event does not have the format of its version
     */
    public static Pdu signNew(RoomVersion version, JsonObject event, String serverName,
                              SigningKey key) {
        return HashedEvent.of(version, event).sign(serverName, key);
    }

    /** @return the room version the event was parsed for */
    public RoomVersion roomVersion() {
        return version;
    }

    /** @return the event JSON as received */
    public JsonObject json() {
        JsonObject tree = json;
        if (tree == null) {
            try (var reader = JsonSupport.provider().createReader(new StringReader(jsonText))) {
                tree = reader.readObject();
            }
            json = tree;
        }
        return tree;
    }

    /**
     * The size of the whole event as servers exchange it: its canonical JSON in UTF-8, hashes, signatures and
     * {@code unsigned} included. Known without encoding again for an event this server just signed.
     *
     * @return the size in bytes
     */
    public int canonicalSize() {
        return canonicalSize >= 0 ? canonicalSize : CanonicalJson.encode(json()).length;
    }

    /** @return the {@code signatures} object */
    public JsonObject signatures() {
        return json().getJsonObject("signatures");
    }

    /** @return the {@code hashes} object */
    public JsonObject hashes() {
        return json().getJsonObject("hashes");
    }

    /** @return the {@code unsigned} object, or an empty object */
    public JsonObject unsigned() {
        return json().get("unsigned") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    @Override
    public String eventId() {
        return eventId;
    }

    @Override
    public String roomId() {
        return roomId;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String stateKey() {
        return stateKey;
    }

    @Override
    public String sender() {
        return sender;
    }

    @Override
    public JsonObject content() {
        return content;
    }

    @Override
    public List<String> prevEventIds() {
        return prevEventIds;
    }

    @Override
    public List<String> authEventIds() {
        return authEventIds;
    }

    @Override
    public long depth() {
        return depth;
    }

    @Override
    public long originServerTs() {
        return originServerTs;
    }

    @Override
    public String redacts() {
        return redacts;
    }

    @Override
    public String toString() {
        return "Pdu[" + eventId + " " + type + " in " + roomId + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pdu other && other.eventId.equals(eventId) && other.json().equals(json());
    }

    @Override
    public int hashCode() {
        return eventId.hashCode();
    }

    /**
     * Reads {@code prev_events} or {@code auth_events}: plain ids from version 3, {@code [id, hashes]} pairs
     * before.
     */
    private static List<String> references(JsonObject json, String key, RoomVersion version) {
        if (!(json.get(key) instanceof JsonArray array)) {
            throw new ProtocolException(key + " must be an array");
        }
        List<String> ids = new ArrayList<>(array.size());
        for (JsonValue entry : array) {
            if (version.eventFormat() == RoomVersion.EventFormat.V1) {
                if (!(entry instanceof JsonArray pair) || pair.size() != 2
                        || !(pair.get(0) instanceof JsonString id) || !(pair.get(1) instanceof JsonObject)) {
                    throw new ProtocolException(key + " entries must be [event id, hashes] pairs");
                }
                ids.add(id.getString());
            } else {
                if (!(entry instanceof JsonString id)) {
                    throw new ProtocolException(key + " entries must be event ids");
                }
                ids.add(id.getString());
            }
        }
        return List.copyOf(ids);
    }

    static String requiredString(JsonObject json, String key) {
        if (json.get(key) instanceof JsonString s) {
            return s.getString();
        }
        throw new ProtocolException(key + " must be a string");
    }

    static String optionalString(JsonObject json, String key) {
        JsonValue value = json.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw new ProtocolException(key + " must be a string");
    }

    static JsonObject requiredObject(JsonObject json, String key) {
        if (json.get(key) instanceof JsonObject o) {
            return o;
        }
        throw new ProtocolException(key + " must be an object");
    }

    static long requiredInteger(JsonObject json, String key) {
        if (json.get(key) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw new ProtocolException(key + " is out of range", e);
            }
        }
        throw new ProtocolException(key + " must be an integer");
    }

    /** @return the value of {@code key} if it is a string, else null; used for optional fields of any type */
    static String stringOrNull(JsonObject json, String key) {
        return JsonSupport.stringOrNull(json, key);
    }
}
