package io.myelin.bench.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthEventsSelector;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.state.EventSource;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Builds large rooms for the benchmarks: events cite the auth events the selection algorithm picks from
 * the room's state at that point, like a server building its own events would.
 */
final class BenchRoom {

    static final String ADMIN = "@admin:bench.example";

    private final RoomVersion version;
    private final Map<String, BenchEvent> events;
    private final Map<StateKey, String> state;
    private final long[] counter;
    private String roomId;
    private String last;
    private long depth;

    private BenchRoom(RoomVersion version, Map<String, BenchEvent> events, Map<StateKey, String> state,
                      long[] counter) {
        this.version = version;
        this.events = events;
        this.state = state;
        this.counter = counter;
    }

    /** A public room made by {@link #ADMIN} with the given number of joined members besides the admin. */
    static BenchRoom withMembers(RoomVersion version, int members) {
        BenchRoom room = new BenchRoom(version, new HashMap<>(members * 2), new HashMap<>(members * 2),
                new long[1]);
        var content = Json.createObjectBuilder().add("room_version", version.id());
        if (!version.v11Rules()) {
            content.add("creator", ADMIN);
        }
        String createId = room.nextId();
        room.roomId = version.v12Rules() ? "!" + createId.substring(1) : "!bench:bench.example";
        room.store(new BenchEvent(createId, room.roomId, "m.room.create", "", ADMIN, content.build(), List.of(),
                List.of(), 1, 1, null));
        room.add(ADMIN, "m.room.member", ADMIN, membership("join"));
        var users = Json.createObjectBuilder();
        if (!version.v12Rules()) {
            users.add(ADMIN, 100);
        }
        room.add(ADMIN, "m.room.power_levels", "", Json.createObjectBuilder().add("users", users)
                .add("state_default", 50).add("ban", 50).add("kick", 50).build());
        room.add(ADMIN, "m.room.join_rules", "", Json.createObjectBuilder().add("join_rule", "public").build());
        for (int i = 0; i < members; i++) {
            String user = user(i);
            room.add(user, "m.room.member", user, membership("join"));
        }
        return room;
    }

    BenchRoom fork() {
        BenchRoom fork = new BenchRoom(version, events, new HashMap<>(state), counter);
        fork.roomId = roomId;
        fork.last = last;
        fork.depth = depth;
        return fork;
    }

    BenchEvent build(String sender, String type, String stateKey, JsonObject content) {
        List<String> auth = new ArrayList<>(4);
        for (StateKey key : AuthEventsSelector.select(version, type, stateKey, sender, content)) {
            String id = state.get(key);
            if (id != null) {
                auth.add(id);
            }
        }
        return new BenchEvent(nextId(), roomId, type, stateKey, sender, content, List.of(last), auth, depth + 1,
                counter[0], null);
    }

    BenchEvent add(String sender, String type, String stateKey, JsonObject content) {
        return store(build(sender, type, stateKey, content));
    }

    private BenchEvent store(BenchEvent event) {
        events.put(event.eventId(), event);
        if (event.stateKey() != null) {
            state.put(new StateKey(event.type(), event.stateKey()), event.eventId());
        }
        last = event.eventId();
        depth = event.depth();
        return event;
    }

    Map<StateKey, String> state() {
        return state;
    }

    Map<String, BenchEvent> events() {
        return events;
    }

    EventSource source() {
        return EventSource.of(events, Set.of());
    }

    static String user(int i) {
        return "@user" + i + ":server" + (i % 50) + ".example";
    }

    static JsonObject membership(String membership) {
        return Json.createObjectBuilder().add("membership", membership).build();
    }

    private String nextId() {
        counter[0]++;
        return version.eventFormat() == RoomVersion.EventFormat.V1
                ? "$" + counter[0] + ":bench.example" : "$bench" + counter[0];
    }
}
