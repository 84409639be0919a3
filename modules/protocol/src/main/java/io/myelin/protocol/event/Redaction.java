package io.myelin.protocol.event;

import java.util.Set;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.JsonSupport;

/**
 * The redaction algorithm of each room version: which top-level keys of an event survive, and which keys
 * of its {@code content} survive for each event type. Used when an event is redacted, for reference hashes
 * and event signatures (which cover only the redacted form), and when a content hash check fails.
 * See the "Redactions" section of each room version and {@code rooms/fragments/*-redactions.md}.
 */
public final class Redaction {

    private static final Set<String> TOP_LEVEL_V1 = Set.of("event_id", "type", "room_id", "sender",
            "state_key", "content", "hashes", "signatures", "depth", "prev_events", "prev_state",
            "auth_events", "origin", "origin_server_ts", "membership");
    /** Version 11 dropped {@code origin}, {@code membership} and {@code prev_state}. */
    private static final Set<String> TOP_LEVEL_V11 = Set.of("event_id", "type", "room_id", "sender",
            "state_key", "content", "hashes", "signatures", "depth", "prev_events", "auth_events",
            "origin_server_ts");

    private static final Set<String> POWER_LEVELS_V1 = Set.of("ban", "events", "events_default", "kick",
            "redact", "state_default", "users", "users_default");
    private static final Set<String> POWER_LEVELS_V11 = Set.of("ban", "events", "events_default", "invite",
            "kick", "redact", "state_default", "users", "users_default");

    private Redaction() {
    }

    /**
     * Redacts an event: the result keeps only the keys the room version protects. Keys under
     * {@code unsigned} are not protected and go too; callers that keep {@code unsigned.redacted_because}
     * add it back.
     *
     * @param event the event JSON
     * @param version the room version
     * @return the redacted event
     */
    public static JsonObject redact(JsonObject event, RoomVersion version) {
        Set<String> keep = version.v11Rules() ? TOP_LEVEL_V11 : TOP_LEVEL_V1;
        JsonObjectBuilder out = JsonSupport.objectBuilder();
        for (var member : event.entrySet()) {
            String key = member.getKey();
            if (key.equals("content")) {
                continue;
            }
            if (keep.contains(key)) {
                out.add(key, member.getValue());
            }
        }
        JsonValue content = event.get("content");
        if (content instanceof JsonObject object) {
            out.add("content", redactContent(JsonSupport.stringOrNull(event, "type"), object, version));
        } else if (content != null) {
            // Not a valid event; keep the shape the spec's algorithm would: content becomes an empty object.
            out.add("content", JsonValue.EMPTY_JSON_OBJECT);
        }
        return out.build();
    }

    /**
     * Redacts the content of an event of a given type.
     *
     * @param type the event type, or null
     * @param content the content
     * @param version the room version
     * @return the content keys the room version protects for that type
     */
    public static JsonObject redactContent(String type, JsonObject content, RoomVersion version) {
        if (type == null) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        return switch (type) {
            case "m.room.member" -> member(content, version);
            case "m.room.create" -> version.v11Rules() ? content : keep(content, Set.of("creator"));
            case "m.room.join_rules" -> keep(content,
                    version.restrictedJoins() ? Set.of("join_rule", "allow") : Set.of("join_rule"));
            case "m.room.power_levels" -> keep(content, version.v11Rules() ? POWER_LEVELS_V11 : POWER_LEVELS_V1);
            case "m.room.aliases" -> version.specialCasedAliases()
                    ? keep(content, Set.of("aliases")) : JsonValue.EMPTY_JSON_OBJECT;
            case "m.room.history_visibility" -> keep(content, Set.of("history_visibility"));
            case "m.room.redaction" -> version.v11Rules()
                    ? keep(content, Set.of("redacts")) : JsonValue.EMPTY_JSON_OBJECT;
            default -> JsonValue.EMPTY_JSON_OBJECT;
        };
    }

    private static JsonObject member(JsonObject content, RoomVersion version) {
        Set<String> keys = version.keepsJoinAuthorisedViaOnRedaction()
                ? Set.of("membership", "join_authorised_via_users_server") : Set.of("membership");
        JsonObject kept = keep(content, keys);
        // Version 11 keeps the signed part of a third-party invite, so the invite stays verifiable.
        if (version.v11Rules() && content.get("third_party_invite") instanceof JsonObject invite
                && invite.containsKey("signed")) {
            JsonObject signedOnly = JsonSupport.objectBuilder().add("signed", invite.get("signed")).build();
            return JsonSupport.objectBuilder(kept).add("third_party_invite", signedOnly).build();
        }
        return kept;
    }

    private static JsonObject keep(JsonObject content, Set<String> keys) {
        JsonObjectBuilder out = JsonSupport.objectBuilder();
        for (var member : content.entrySet()) {
            if (keys.contains(member.getKey())) {
                out.add(member.getKey(), member.getValue());
            }
        }
        return out.build();
    }
}
