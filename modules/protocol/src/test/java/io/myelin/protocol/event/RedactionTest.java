package io.myelin.protocol.event;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.json.JsonSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checks the redaction algorithm key by key against the keep-lists of the spec's fragments
 * (rooms/fragments/v1-redactions.md, v6-, v9-, v11-, and the v8 addition in rooms/v8.md).
 */
class RedactionTest {

    private static final Set<String> TOP_V1 = Set.of("event_id", "type", "room_id", "sender", "state_key",
            "content", "hashes", "signatures", "depth", "prev_events", "prev_state", "auth_events", "origin",
            "origin_server_ts", "membership");
    private static final Set<String> TOP_V11 = Set.of("event_id", "type", "room_id", "sender", "state_key",
            "content", "hashes", "signatures", "depth", "prev_events", "auth_events", "origin_server_ts");
    private static final Set<String> ALL_TOP = union(TOP_V1, Set.of("unsigned", "redacts", "age_ts", "extra"));
    private static final Set<String> PL_V1 = Set.of("ban", "events", "events_default", "kick", "redact",
            "state_default", "users", "users_default");

    /** Every content key any version keeps for any type, plus keys no version keeps. */
    private static final Set<String> ALL_CONTENT = Set.of("membership", "join_authorised_via_users_server",
            "creator", "room_version", "m.federate", "join_rule", "allow", "ban", "events", "events_default",
            "invite", "kick", "redact", "state_default", "users", "users_default", "notifications", "aliases",
            "history_visibility", "redacts", "body", "displayname", "avatar_url", "reason");

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    /** The keep-list of one event type in one version, as the spec's fragments write it. */
    private static Set<String> expectedContent(String type, int v) {
        return switch (type) {
            case "m.room.member" -> v >= 9 ? Set.of("membership", "join_authorised_via_users_server")
                    : Set.of("membership");
            case "m.room.create" -> v >= 11 ? ALL_CONTENT : Set.of("creator");
            case "m.room.join_rules" -> v >= 8 ? Set.of("join_rule", "allow") : Set.of("join_rule");
            case "m.room.power_levels" -> v >= 11 ? union(PL_V1, Set.of("invite")) : PL_V1;
            case "m.room.aliases" -> v <= 5 ? Set.of("aliases") : Set.of();
            case "m.room.history_visibility" -> Set.of("history_visibility");
            case "m.room.redaction" -> v >= 11 ? Set.of("redacts") : Set.of();
            default -> Set.of();
        };
    }

    private static JsonObject event(String type) {
        JsonObjectBuilder content = JsonSupport.objectBuilder();
        ALL_CONTENT.forEach(k -> content.add(k, "v-" + k));
        JsonObjectBuilder event = JsonSupport.objectBuilder();
        ALL_TOP.forEach(k -> event.add(k, "t-" + k));
        return event.add("type", type).add("content", content).build();
    }

    @Test
    void everyVersionKeepsExactlyTheKeysItsSpecFragmentLists() {
        for (RoomVersion version : RoomVersion.values()) {
            int v = Integer.parseInt(version.id());
            for (String type : new String[] {"m.room.member", "m.room.create", "m.room.join_rules",
                    "m.room.power_levels", "m.room.aliases", "m.room.history_visibility", "m.room.redaction",
                    "m.room.message", "m.room.name", "m.room.topic"}) {
                JsonObject redacted = Redaction.redact(event(type), version);
                String where = "v" + v + " " + type;
                assertEquals(v >= 11 ? TOP_V11 : TOP_V1, redacted.keySet(), where);
                assertEquals(expectedContent(type, v), redacted.getJsonObject("content").keySet(), where);
                for (String key : redacted.getJsonObject("content").keySet()) {
                    assertEquals("v-" + key, redacted.getJsonObject("content").getString(key), where);
                }
            }
        }
    }

    @Test
    void versionElevenKeepsOnlyTheSignedPartOfAThirdPartyInvite() {
        JsonObject invite = JsonSupport.objectBuilder()
                .add("display_name", "x")
                .add("signed", JsonSupport.objectBuilder().add("mxid", "@a:b").add("token", "t"))
                .build();
        JsonObject event = JsonSupport.objectBuilder().add("type", "m.room.member")
                .add("content", JsonSupport.objectBuilder().add("membership", "invite")
                        .add("third_party_invite", invite).add("displayname", "A"))
                .build();
        JsonObject v11 = Redaction.redact(event, RoomVersion.V11).getJsonObject("content");
        assertEquals(Map.of("signed", invite.get("signed")), v11.getJsonObject("third_party_invite"));
        assertEquals(Set.of("membership", "third_party_invite"), v11.keySet());
        JsonObject v10 = Redaction.redact(event, RoomVersion.V10).getJsonObject("content");
        assertEquals(Set.of("membership"), v10.keySet());
    }

    @Test
    void eventWithoutContentStaysWithoutContent() {
        JsonObject event = JsonSupport.objectBuilder().add("type", "m.room.message").add("extra", 1).build();
        assertEquals(Set.of("type"), Redaction.redact(event, RoomVersion.V10).keySet());
    }
}
