package io.myelin.protocol.testing;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthEventsSelector;
import io.myelin.protocol.auth.AuthResult;
import io.myelin.protocol.auth.AuthRules;
import io.myelin.protocol.auth.AuthState;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.auth.ThirdPartyInviteVerifier;
import io.myelin.protocol.event.EventView;
import io.myelin.protocol.state.EventSource;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A room under construction for tests: a linear (or forked) history with the current state tracked, each
 * new event citing the auth events the selection algorithm picks from that state. Nothing is checked
 * while building, so tests can build events the rules reject.
 */
public final class Room {

    public static final String ALICE = "@alice:example.org";
    public static final String BOB = "@bob:example.org";
    public static final String CAROL = "@carol:example.org";
    public static final String DAVE = "@dave:other.org";
    public static final String EVE = "@eve:evil.org";

    private final RoomVersion version;
    private final Map<String, TestEvent> events;
    private final Set<String> rejected;
    private final AtomicLong counter;
    private final Map<StateKey, String> state;
    private String roomId;
    private String createId;
    private String last;
    private long depth;

    private Room(RoomVersion version, Map<String, TestEvent> events, Set<String> rejected, AtomicLong counter,
                 Map<StateKey, String> state) {
        this.version = version;
        this.events = events;
        this.rejected = rejected;
        this.counter = counter;
        this.state = state;
    }

    /**
     * A room with only its create event, sent by a creator.
     *
     * @param version the room version
     * @param creator the creator
     * @param extraContent extra create content as relaxed JSON, or null
     * @return the room
     */
    public static Room bare(RoomVersion version, String creator, String extraContent) {
        Room room = new Room(version, new HashMap<>(), new HashSet<>(), new AtomicLong(), new HashMap<>());
        JsonObject extra = json(extraContent == null ? "{}" : extraContent);
        var content = Json.createObjectBuilder(extra);
        if (!extra.containsKey("room_version")) {
            content.add("room_version", version.id());
        }
        if (!version.v11Rules() && !extra.containsKey("creator")) {
            content.add("creator", creator);
        }
        String id = room.nextId(serverOf(creator));
        room.roomId = version.v12Rules() ? "!" + id.substring(1) : "!room:" + serverOf(creator);
        TestEvent create = new TestEvent(id, room.roomId, "m.room.create", "", creator, content.build(),
                List.of(), List.of(), 1, room.counter.get(), null);
        room.createId = id;
        room.store(create);
        return room;
    }

    /**
     * The usual room: Alice creates it, joins, sets power levels (herself 100) and a public join rule.
     *
     * @param version the room version
     * @return the room
     */
    public static Room standard(RoomVersion version) {
        Room room = bare(version, ALICE, null);
        room.add(ALICE, "m.room.member", ALICE, "{'membership':'join'}");
        String users = version.v12Rules() ? "{}" : "{'" + ALICE + "':100}";
        room.add(ALICE, "m.room.power_levels", "", "{'users':" + users + ",'users_default':0,'ban':50,'kick':50,"
                + "'redact':50,'invite':0,'state_default':50,'events_default':0,'events':{}}");
        room.add(ALICE, "m.room.join_rules", "", "{'join_rule':'public'}");
        return room;
    }

    /**
     * A copy sharing the events seen so far, to build a concurrent branch.
     *
     * @return the fork
     */
    public Room fork() {
        Room fork = new Room(version, events, rejected, counter, new HashMap<>(state));
        fork.roomId = roomId;
        fork.createId = createId;
        fork.last = last;
        fork.depth = depth;
        return fork;
    }

    /**
     * Builds an event on top of the current state without adding it.
     *
     * @param sender the sender
     * @param type the type
     * @param stateKey the state key, or null
     * @param content relaxed JSON (single quotes allowed)
     * @return the event
     */
    public TestEvent build(String sender, String type, String stateKey, String content) {
        JsonObject body = json(content);
        List<String> auth = new ArrayList<>();
        for (StateKey key : AuthEventsSelector.select(version, type, stateKey, sender, body)) {
            String id = state.get(key);
            if (id != null) {
                auth.add(id);
            }
        }
        String redacts = "m.room.redaction".equals(type) && body.containsKey("redacts")
                ? body.getString("redacts") : null;
        return new TestEvent(nextId(serverOf(sender)), roomId, type, stateKey, sender, body, List.of(last),
                auth, depth + 1, counter.get(), redacts);
    }

    /**
     * Builds an event and adds it to the history and, if a state event, to the current state.
     *
     * @param sender the sender
     * @param type the type
     * @param stateKey the state key, or null
     * @param content relaxed JSON
     * @return the event
     */
    public TestEvent add(String sender, String type, String stateKey, String content) {
        TestEvent event = build(sender, type, stateKey, content);
        store(event);
        return event;
    }

    /**
     * Adds an event built elsewhere (for example with {@link #build}).
     *
     * @param event the event
     * @return the event
     */
    public TestEvent store(TestEvent event) {
        events.put(event.eventId(), event);
        if (event.stateKey() != null) {
            state.put(new StateKey(event.type(), event.stateKey()), event.eventId());
        }
        last = event.eventId();
        depth = Math.max(depth, event.depth());
        return event;
    }

    /**
     * Checks an event against the current state (with the create event added from v12).
     *
     * @param event the event
     * @param verifier the third-party invite verifier
     * @return the result
     */
    public AuthResult check(EventView event, ThirdPartyInviteVerifier verifier) {
        AuthState current = (type, key) -> {
            String id = state.get(new StateKey(type, key));
            return id == null ? null : events.get(id);
        };
        return AuthRules.of(version, verifier).check(event, current.withCreate(events.get(createId)));
    }

    /**
     * Checks an event against the current state, with third-party invites never verifying.
     *
     * @param event the event
     * @return the result
     */
    public AuthResult check(EventView event) {
        return check(event, ThirdPartyInviteVerifier.UNAVAILABLE);
    }

    /** @return the room version */
    public RoomVersion version() {
        return version;
    }

    /** @return the room id */
    public String roomId() {
        return roomId;
    }

    /** @return the create event */
    public TestEvent createEvent() {
        return events.get(createId);
    }

    /** @return the current state, live */
    public Map<StateKey, String> state() {
        return state;
    }

    /** @return every event built so far, live */
    public Map<String, TestEvent> events() {
        return events;
    }

    /** @return the ids of rejected events, live */
    public Set<String> rejected() {
        return rejected;
    }

    /** @return a source over this room's events */
    public EventSource source() {
        return EventSource.of(events, rejected);
    }

    /**
     * The event currently holding a key.
     *
     * @param type the type
     * @param stateKey the state key
     * @return the event id or null
     */
    public String current(String type, String stateKey) {
        return state.get(new StateKey(type, stateKey));
    }

    /**
     * Parses relaxed JSON, where single quotes stand for double quotes.
     *
     * @param text the JSON
     * @return the object
     */
    public static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text.replace('\'', '"')))) {
            return reader.readObject();
        }
    }

    private String nextId(String server) {
        long n = counter.incrementAndGet();
        return version.eventFormat() == RoomVersion.EventFormat.V1 ? "$e" + n + ":" + server : "$ev" + n;
    }

    private static String serverOf(String userId) {
        return userId.substring(userId.indexOf(':') + 1);
    }
}
