package io.myelin.server.sync;

import static io.myelin.server.sync.SyncServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.SyncServer.User;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@code /sync} and {@code /context} say about a room beyond its timeline, over real HTTP: the room
 * summary and its heroes, the heroes' members under lazy loading, {@code state_after}, and filters on
 * {@code /context}; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncRoomsTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private SyncServer server;

    abstract SyncServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = SyncServer.start(Files.createTempDirectory("myelin-sync-rooms-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user(String prefix) throws Exception {
        return server.register(prefix + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }








    private static JsonObject joinedRoom(Reply reply, String roomId) {
        JsonObject join = reply.json().getJsonObject("rooms").getJsonObject("join");
        return join == null ? null : join.getJsonObject(roomId);
    }

    private static List<String> ids(JsonArray events) {
        return events.stream().map(e -> e.asJsonObject().getString("event_id")).toList();
    }

    private static Set<String> types(JsonArray events) {
        Set<String> types = new TreeSet<>();
        events.forEach(e -> types.add(e.asJsonObject().getString("type")));
        return types;
    }

    private static Set<String> members(JsonArray events) {
        Set<String> members = new TreeSet<>();
        events.stream().map(JsonValue::asJsonObject).filter(e -> e.getString("type").equals("m.room.member"))
                .forEach(e -> members.add(e.getString("state_key")));
        return members;
    }

    private static List<String> heroes(JsonObject summary) {
        JsonArray heroes = summary.getJsonArray("m.heroes");
        return heroes == null ? null : heroes.getValuesAs(JsonString.class).stream().map(JsonString::getString)
                .toList();
    }

    @Test
    void membersAtASyncOrPaginationTokenAreTheMembersThen() throws Exception {
        User alice = user("at");
        User bob = user("at");
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        String before = server.settle(alice, roomId);
        server.join(bob, roomId);
        String after = server.settle(alice, server.send(bob, roomId, "here now"));

        assertEquals(Set.of(alice.userId() + "=join"), memberships(alice, roomId, "?at=" + before));
        assertEquals(Set.of(alice.userId() + "=join", bob.userId() + "=join"),
                memberships(alice, roomId, "?at=" + after));
        assertEquals(memberships(alice, roomId, ""), memberships(alice, roomId, "?at=" + after));

        // A pagination token of /messages names a point the same way.
        Reply page = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=1", alice.token());
        assertEquals(200, page.status(), page.raw());
        assertEquals(memberships(alice, roomId, "?at=" + after),
                memberships(alice, roomId, "?at=" + page.string("start")));

        // Before the room's first event there was nobody; a token of no kind this server makes is refused.
        assertEquals(Set.of(), memberships(alice, roomId, "?at=t0"));
        SyncServer.assertError(server.get("/rooms/" + enc(roomId) + "/members?at=nonsense", alice.token()), 400,
                "M_INVALID_PARAM");
    }

    private Set<String> memberships(User user, String roomId, String query) throws Exception {
        Reply reply = server.get("/rooms/" + enc(roomId) + "/members" + query, user.token());
        assertEquals(200, reply.status(), reply.raw());
        Set<String> out = new java.util.HashSet<>();
        for (JsonObject event : reply.json().getJsonArray("chunk").getValuesAs(JsonObject.class)) {
            out.add(event.getString("state_key") + "=" + event.getJsonObject("content").getString("membership"));
        }
        return out;
    }

    @Test
    void heroesComeInTheOrderOfTheirMembershipsUntilTheRoomHasAName() throws Exception {
        User alice = user("m");
        User zed = user("z");
        User amy = user("a");
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        server.act(alice, roomId, "invite", zed);
        server.join(amy, roomId);
        String emptyName = server.state(alice, roomId, "m.room.name", "{\"name\":\"\"}");
        server.settle(alice, emptyName);

        JsonObject summary = joinedRoom(server.sync(alice, ""), roomId).getJsonObject("summary");
        assertEquals(2, summary.getInt("m.joined_member_count"), summary.toString());
        assertEquals(1, summary.getInt("m.invited_member_count"), summary.toString());
        // zed was invited before amy joined, though amy sorts first; an empty name is no name.
        assertEquals(List.of(zed.userId(), amy.userId()), heroes(summary));

        String named = server.state(alice, roomId, "m.room.name", "{\"name\":\"Lounge\"}");
        server.settle(alice, named);
        assertEquals(null, heroes(joinedRoom(server.sync(alice, ""), roomId).getJsonObject("summary")));
    }

    @Test
    void lazyLoadingSendsTheHeroesMembers() throws Exception {
        User alice = user("h");
        User bob = user("h");
        User carol = user("h");
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        server.join(bob, roomId);
        server.join(carol, roomId);
        String last = server.send(alice, roomId, "hello");
        server.settle(alice, last);

        String filter = "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
        JsonObject room = joinedRoom(server.sync(alice, "?filter=" + enc(filter)), roomId);
        assertEquals(List.of(last), ids(room.getJsonObject("timeline").getJsonArray("events")));
        assertEquals(List.of(bob.userId(), carol.userId()), heroes(room.getJsonObject("summary")));
        assertEquals(new TreeSet<>(Set.of(alice.userId(), bob.userId(), carol.userId())),
                members(room.getJsonObject("state").getJsonArray("events")));
    }

    @Test
    void aLimitedLazyLoadingSyncSendsTheMembershipsThatChangedInTheGap() throws Exception {
        User alice = user("g");
        User bob = user("g");
        User carol = user("g");
        // A named room has no heroes, so carol's member can come only from the gap.
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\",\"name\":\"Gap\"}");
        server.join(bob, roomId);
        String filter = "{\"room\":{\"timeline\":{\"limit\":2},\"state\":{\"lazy_load_members\":true}}}";
        server.settle(alice, server.send(bob, roomId, "before"));
        // The initial sync sends bob's member as the sender's, so it is redundant afterwards.
        Reply initial = server.sync(alice, "?filter=" + enc(filter.replace("\"limit\":2", "\"limit\":1")));
        JsonArray initialState = joinedRoom(initial, roomId).getJsonObject("state").getJsonArray("events");
        assertTrue(members(initialState).contains(bob.userId()), initialState.toString());
        String since = initial.string("next_batch");

        server.join(carol, roomId);
        server.send(bob, roomId, "one");
        server.send(bob, roomId, "two");
        server.settle(alice, server.send(bob, roomId, "three"));

        JsonObject room = joinedRoom(server.sync(alice, "?since=" + since + "&filter=" + enc(filter)), roomId);
        assertTrue(room.getJsonObject("timeline").getBoolean("limited"), room.toString());
        JsonArray state = room.getJsonObject("state").getJsonArray("events");
        // Only carol's membership changed in the gap; bob's was sent already and alice sent nothing since.
        assertEquals(Set.of(carol.userId()), members(state), state.toString());
    }

    @Test
    void messagesSendsTheMembersAsTheyWereAtTheChunk() throws Exception {
        User alice = user("p");
        User bob = user("p");
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        server.join(bob, roomId);
        String member = "/rooms/" + enc(roomId) + "/state/m.room.member/" + enc(bob.userId());
        assertEquals(200, server.put(member, bob.token(), "{\"membership\":\"join\",\"displayname\":\"Old\"}")
                .status());
        String old = server.send(bob, roomId, "old");
        assertEquals(200, server.put(member, bob.token(), "{\"membership\":\"join\",\"displayname\":\"New\"}")
                .status());
        String recent = server.send(bob, roomId, "recent");
        server.settle(alice, recent);

        String filter = "&filter=" + enc("{\"lazy_load_members\":true,\"types\":[\"m.room.message\"]}");
        Reply first = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=1" + filter, alice.token());
        assertEquals(List.of(recent), ids(first.json().getJsonArray("chunk")), first.raw());
        assertEquals(List.of("New"), displayNames(first.json().getJsonArray("state")));
        Reply older = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=1&from=" + first.string("end")
                + filter, alice.token());
        assertEquals(List.of(old), ids(older.json().getJsonArray("chunk")), older.raw());
        assertEquals(List.of("Old"), displayNames(older.json().getJsonArray("state")), older.raw());
        Reply forward = server.get("/rooms/" + enc(roomId) + "/messages?dir=f&limit=1&from=" + first.string("end")
                + filter, alice.token());
        assertEquals(List.of(recent), ids(forward.json().getJsonArray("chunk")), forward.raw());
        assertEquals(List.of("New"), displayNames(forward.json().getJsonArray("state")));
    }

    private static List<String> displayNames(JsonArray members) {
        return members.stream().map(e -> e.asJsonObject().getJsonObject("content").getString("displayname"))
                .toList();
    }

    @Test
    void contextAppliesItsFilterToTheNeighboursAndTheState() throws Exception {
        User alice = user("c");
        User bob = user("c");
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        server.join(bob, roomId);
        String a0 = server.send(alice, roomId, "a0");
        server.send(bob, roomId, "b1");
        String a2 = server.send(alice, roomId, "a2");
        server.send(bob, roomId, "b3");
        String a4 = server.send(alice, roomId, "a4");
        server.settle(alice, a4);

        String filter = "{\"types\":[\"m.room.message\",\"m.room.create\"],\"not_senders\":[\""
                + bob.userId() + "\"]}";
        Reply context = server.get("/rooms/" + enc(roomId) + "/context/" + enc(a2) + "?limit=2&filter="
                + enc(filter), alice.token());
        assertEquals(200, context.status(), context.raw());
        assertEquals(List.of(a0), ids(context.json().getJsonArray("events_before")));
        assertEquals(List.of(a4), ids(context.json().getJsonArray("events_after")));
        assertEquals(Set.of("m.room.create"), types(context.json().getJsonArray("state")));

        Reply elsewhere = server.get("/rooms/" + enc(roomId) + "/context/" + enc(a2) + "?limit=4&filter="
                + enc("{\"not_rooms\":[\"" + roomId + "\"]}"), alice.token());
        assertEquals(200, elsewhere.status(), elsewhere.raw());
        assertEquals(a2, elsewhere.json().getJsonObject("event").getString("event_id"));
        assertTrue(elsewhere.json().getJsonArray("events_before").isEmpty(), elsewhere.raw());
        assertTrue(elsewhere.json().getJsonArray("events_after").isEmpty(), elsewhere.raw());
        assertTrue(elsewhere.json().getJsonArray("state").isEmpty(), elsewhere.raw());
    }

    @Test
    void useStateAfterSendsTheStateAtTheEndOfTheTimeline() throws Exception {
        User alice = user("u");
        User bob = user("u");
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        server.join(bob, roomId);
        String topic = server.state(alice, roomId, "m.room.topic", "{\"topic\":\"first\"}");
        server.settle(alice, topic);

        String limitOne = "&filter=" + enc("{\"room\":{\"timeline\":{\"limit\":1}}}");
        JsonObject initial = joinedRoom(server.sync(alice, "?use_state_after=true" + limitOne), roomId);
        assertFalse(initial.containsKey("state"), initial.toString());
        JsonArray after = initial.getJsonObject("state_after").getJsonArray("events");
        assertTrue(types(after).containsAll(Set.of("m.room.create", "m.room.member", "m.room.topic")),
                after.toString());
        assertTrue(ids(after).contains(topic), "the timeline's own state event is in state_after: " + after);
        assertFalse(joinedRoom(server.sync(alice, "?use_state_after=false" + limitOne), roomId)
                .containsKey("state_after"));

        String since = server.settle(alice, topic);
        String second = server.state(alice, roomId, "m.room.topic", "{\"topic\":\"second\"}");
        server.settle(alice, second);
        JsonObject incremental = joinedRoom(server.sync(alice, "?use_state_after=true&since=" + since), roomId);
        assertEquals(List.of(second), ids(incremental.getJsonObject("timeline").getJsonArray("events")));
        assertEquals(List.of(second), ids(incremental.getJsonObject("state_after").getJsonArray("events")));
        JsonObject plain = joinedRoom(server.sync(alice, "?since=" + since), roomId);
        assertEquals(List.of(), ids(plain.getJsonObject("state").getJsonArray("events")));
        assertFalse(plain.containsKey("state_after"), plain.toString());

        String bobSince = server.settle(bob, second);
        Reply leave = server.post("/rooms/" + enc(roomId) + "/leave", bob.token(), "{}");
        assertEquals(200, leave.status(), leave.raw());
        JsonObject left = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (left == null) {
            assertTrue(System.nanoTime() < deadline, "bob's leave never reached his sync");
            Reply reply = server.sync(bob, "?use_state_after=true&timeout=5000&since=" + bobSince);
            bobSince = reply.string("next_batch");
            JsonObject leaveSection = reply.json().getJsonObject("rooms").getJsonObject("leave");
            left = leaveSection == null ? null : leaveSection.getJsonObject(roomId);
        }
        assertFalse(left.containsKey("state"), left.toString());
        JsonArray leftAfter = left.getJsonObject("state_after").getJsonArray("events");
        assertEquals(Set.of(bob.userId()), members(leftAfter), leftAfter.toString());
        assertNotNull(left.getJsonObject("timeline"));
    }
}
