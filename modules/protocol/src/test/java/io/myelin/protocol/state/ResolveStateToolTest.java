package io.myelin.protocol.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import io.myelin.protocol.ProtocolException;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The resolve-state tool over events in federation format. */
class ResolveStateToolTest {

    private static final String ALICE = "@alice:example.org";
    private static final String EVE = "@eve:evil.org";

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V1", "V3", "V11", "V12"})
    void resolvesForkedJoinRulesAndExplainsTheRejectedJoin(RoomVersion version) {
        Federation room = new Federation(version);
        String create = room.add(ALICE, "m.room.create", "", version.v11Rules()
                ? "{\"room_version\":\"" + version.id() + "\"}"
                : "{\"room_version\":\"" + version.id() + "\",\"creator\":\"" + ALICE + "\"}");
        String join = room.add(ALICE, "m.room.member", ALICE, "{\"membership\":\"join\"}", create);
        String levels = room.add(ALICE, "m.room.power_levels", "", version.v12Rules() ? "{\"users\":{}}"
                : "{\"users\":{\"" + ALICE + "\":100}}", create, join);
        String publicRule = room.add(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"public\"}", create, join,
                levels);
        String inviteRule = room.add(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"invite\"}", create, join,
                levels);
        String eveJoin = room.add(EVE, "m.room.member", EVE, "{\"membership\":\"join\"}", create, levels,
                publicRule);
        List<String> base = List.of(create, join, levels);

        ResolveStateTool.Result result = ResolveStateTool.run(version, room.events("events.json"), List.of(
                room.state("a.json", base, inviteRule), room.state("b.json", base, publicRule, eveJoin)));

        JsonObject resolved = result.resolved();
        assertEquals(inviteRule, resolved.getJsonObject("m.room.join_rules").getString(""));
        assertEquals(join, resolved.getJsonObject("m.room.member").getString(ALICE));
        if (version == RoomVersion.V1) {
            return;
        }
        assertTrue(!resolved.getJsonObject("m.room.member").containsKey(EVE), resolved::toString);
        assertTrue(result.explanation().stream().anyMatch(line -> line.contains(eveJoin)
                && line.contains("rejected by join.invite_only")), () -> String.join("\n", result.explanation()));
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V2", "V12"})
    void unknownEventInAStateFileIsNamedWithTheFile(RoomVersion version) {
        Federation room = new Federation(version);
        String create = room.add(ALICE, "m.room.create", "", "{\"creator\":\"" + ALICE + "\"}");

        ProtocolException error = assertThrows(ProtocolException.class, () -> ResolveStateTool.run(version,
                room.events("events.json"), List.of(room.state("a.json", List.of(create)),
                        room.state("b.json", List.of(create), "$missing"))));

        assertTrue(error.getMessage().startsWith("b.json: event $missing"), error.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = RoomVersion.class, names = {"V2", "V12"})
    void malformedEventIsNamedWithTheFileAndItsPosition(RoomVersion version) {
        JsonArrayBuilder events = JsonSupport.arrayBuilder().add(JsonSupport.objectBuilder().add("type", "x"));

        ProtocolException error = assertThrows(ProtocolException.class, () -> ResolveStateTool.run(version,
                new ResolveStateTool.Input("events.json", events.build()), List.of()));

        assertTrue(error.getMessage().startsWith("events.json: event #0"), error.getMessage());
    }

    /** Builds events in a version's federation format and computes their ids. */
    private static final class Federation {
        private final RoomVersion version;
        private final List<JsonObject> events = new ArrayList<>();
        private String roomId = "!room:example.org";
        private int depth;

        Federation(RoomVersion version) {
            this.version = version;
        }

        String add(String sender, String type, String stateKey, String content, String... auth) {
            JsonObjectBuilder event = JsonSupport.objectBuilder()
                    .add("type", type).add("state_key", stateKey).add("sender", sender)
                    .add("content", JsonSupport.provider().createReader(new StringReader(content)).readObject())
                    .add("depth", ++depth).add("origin_server_ts", 1000 + depth)
                    .add("hashes", JsonSupport.objectBuilder().add("sha256", "AAAA"))
                    .add("signatures", JsonSupport.objectBuilder())
                    .add("prev_events", references(depth == 1 ? new String[0] : new String[] {last()}))
                    .add("auth_events", references(auth));
            boolean create = type.equals("m.room.create");
            if (!(create && version.v12Rules())) {
                event.add("room_id", roomId);
            }
            if (version.eventFormat() == RoomVersion.EventFormat.V1) {
                event.add("event_id", "$" + depth + ":example.org");
            }
            JsonObject json = event.build();
            Pdu pdu = Pdu.parse(version, json);
            if (create && version.v12Rules()) {
                roomId = pdu.roomId();
            }
            events.add(json);
            return pdu.eventId();
        }

        private String last() {
            return Pdu.parse(version, events.getLast()).eventId();
        }

        private JsonArrayBuilder references(String... ids) {
            JsonArrayBuilder array = JsonSupport.arrayBuilder();
            for (String id : ids) {
                if (version.eventFormat() == RoomVersion.EventFormat.V1) {
                    array.add(JsonSupport.arrayBuilder().add(id).add(JsonSupport.objectBuilder().add("sha256", "A")));
                } else {
                    array.add(id);
                }
            }
            return array;
        }

        ResolveStateTool.Input events(String name) {
            JsonArrayBuilder array = JsonSupport.arrayBuilder();
            events.forEach(array::add);
            return new ResolveStateTool.Input(name, array.build());
        }

        ResolveStateTool.Input state(String name, List<String> base, String... more) {
            JsonArrayBuilder array = JsonSupport.arrayBuilder();
            base.forEach(array::add);
            for (String id : more) {
                array.add(id);
            }
            return new ResolveStateTool.Input(name, array.build());
        }
    }
}
