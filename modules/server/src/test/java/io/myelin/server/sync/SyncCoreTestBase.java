package io.myelin.server.sync;

import static io.myelin.server.sync.SyncServer.assertError;
import static io.myelin.server.sync.SyncServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.roomserver.InviteRequest;
import io.myelin.api.roomserver.PurgeRoomRequest;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.event.Pdu;
import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.SyncServer.User;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /sync}, {@code /messages}, {@code /context} and the legacy {@code /events} and {@code /initialSync}
 * over real HTTP: a client's life from the initial sync through incremental syncs, long polls, gaps, leaving,
 * invites, lazy-loaded members, filters and history visibility; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncCoreTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private SyncServer server;

    abstract SyncServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = SyncServer.start(Files.createTempDirectory("myelin-sync-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("s" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }








    /**
     * Incremental syncs until one finds nothing new: what other sources report a little after an event (its
     * notification count, device lists of new room mates) has been taken.
     */
    private String quiet(User user, String since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String batch = since;
        while (true) {
            String next = server.sync(user, "?timeout=300&since=" + batch).string("next_batch");
            if (next.equals(batch)) {
                return batch;
            }
            if (System.nanoTime() > deadline) {
                fail(user.userId() + "'s sync never settled");
            }
            batch = next;
        }
    }

    /** Incremental syncs until {@code count} timeline events of a room have come; every event seen, in order. */
    private Collected collect(User user, String since, String roomId, int count, String filter) throws Exception {
        List<JsonObject> events = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String batch = since;
        while (events.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("only " + events.size() + " of " + count + " events reached the sync: " + events);
            }
            Reply reply = server.sync(user, "?timeout=5000&since=" + batch + (filter == null ? "" : "&filter="
                    + enc(filter)));
            batch = reply.string("next_batch");
            JsonObject room = joinedRoom(reply, roomId);
            if (room != null) {
                room.getJsonObject("timeline").getJsonArray("events").forEach(e -> events.add(e.asJsonObject()));
            }
        }
        return new Collected(events, batch);
    }

    private record Collected(List<JsonObject> events, String nextBatch) {
    }

    private static JsonObject joinedRoom(Reply reply, String roomId) {
        JsonObject rooms = reply.json().getJsonObject("rooms");
        JsonObject join = rooms.getJsonObject("join");
        return join == null ? null : join.getJsonObject(roomId);
    }

    /** Syncs on from {@code since} until the room moves from the user's invites to their left rooms. */
    private void awaitRejection(User user, String roomId, String since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonObject left = null;
        while (left == null) {
            assertTrue(System.nanoTime() < deadline, "the rejection never reached the sync");
            Reply reply = server.sync(user, "?timeout=5000&since=" + since);
            since = reply.string("next_batch");
            left = section(reply, "leave", roomId);
            assertNull(section(reply, "invite", roomId));
        }
    }

    private static JsonObject section(Reply reply, String section, String roomId) {
        JsonObject part = reply.json().getJsonObject("rooms").getJsonObject(section);
        return part == null ? null : part.getJsonObject(roomId);
    }

    private static List<String> ids(JsonArray events) {
        return events.stream().map(e -> e.asJsonObject().getString("event_id")).toList();
    }

    private static List<String> bodies(List<JsonObject> events) {
        return events.stream().filter(e -> e.getString("type").equals("m.room.message"))
                .map(e -> e.getJsonObject("content").getString("body")).toList();
    }

    private static Set<String> types(JsonArray events) {
        Set<String> types = new TreeSet<>();
        events.forEach(e -> types.add(e.asJsonObject().getString("type")));
        return types;
    }

    @Test
    void initialSyncShowsJoinedRoomsWithTimelineStateAndSummary() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{\"preset\":\"private_chat\"}");
        String eventId = server.send(alice, roomId, "hello");
        server.settle(alice, eventId);

        Reply initial = server.sync(alice, "?filter=" + enc("{\"room\":{\"timeline\":{\"limit\":2}}}"));
        JsonObject room = joinedRoom(initial, roomId);
        assertNotNull(room, initial.raw());
        JsonObject timeline = room.getJsonObject("timeline");
        assertEquals(2, timeline.getJsonArray("events").size());
        assertEquals(eventId, ids(timeline.getJsonArray("events")).getLast());
        assertTrue(timeline.getBoolean("limited"));
        assertTrue(timeline.getString("prev_batch").startsWith("t"));
        Set<String> stateTypes = types(room.getJsonObject("state").getJsonArray("events"));
        assertTrue(stateTypes.containsAll(Set.of("m.room.create", "m.room.member", "m.room.power_levels",
                "m.room.join_rules")), stateTypes.toString());
        assertEquals(1, room.getJsonObject("summary").getInt("m.joined_member_count"));
        JsonObject message = timeline.getJsonArray("events").getJsonObject(1);
        for (String serverOnly : List.of("hashes", "signatures", "auth_events", "prev_events", "depth")) {
            assertFalse(message.containsKey(serverOnly), serverOnly + " leaked: " + message);
        }
        assertEquals(roomId, message.getString("room_id"));
        assertTrue(message.getJsonObject("unsigned").getJsonNumber("age").longValue() >= 0);
        assertTrue(initial.string("next_batch").startsWith("s"));
    }

    @Test
    void incrementalSyncsSeeEachNewEventExactlyOnce() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        String since = server.settle(alice, server.send(alice, roomId, "zero"));

        for (int i = 1; i <= 4; i++) {
            server.send(alice, roomId, "m" + i);
        }
        Collected got = collect(alice, since, roomId, 4, null);
        assertEquals(List.of("m1", "m2", "m3", "m4"), bodies(got.events()));
        assertEquals(4, got.events().stream().map(e -> e.getString("event_id")).distinct().count());

        Reply quiet = server.sync(alice, "?timeout=0&since=" + got.nextBatch());
        assertNull(joinedRoom(quiet, roomId), quiet.raw());
        assertEquals(got.nextBatch(), quiet.string("next_batch"));
    }

    @Test
    void aLongPollWakesSoonAfterAnotherUsersSend() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        server.join(bob, roomId);
        String since = quiet(bob, server.settle(bob, server.send(alice, roomId, "before")));

        // Other sources may wake the poll first (the message's notification count is made by its own consumer,
        // sometimes before the rooms stream has the message): poll on until the message comes.
        CompletableFuture<Long> poll = CompletableFuture.supplyAsync(() -> {
            try {
                String batch = since;
                while (true) {
                    Reply reply = server.sync(bob, "?timeout=30000&since=" + batch);
                    long returned = System.nanoTime();
                    assertEquals(200, reply.status());
                    if (reply.raw().contains("wake up")) {
                        return returned;
                    }
                    batch = reply.string("next_batch");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The poll must be waiting before the send, or the test would measure nothing.
        Thread.sleep(500);
        assertFalse(poll.isDone(), "the long poll ended before the send");
        long sent = System.nanoTime();
        server.send(alice, roomId, "wake up");
        long afterSend = System.nanoTime();
        long returned = poll.get(10, TimeUnit.SECONDS);
        double fromSendStart = (returned - sent) / 1e6;
        double fromSendReturn = (returned - afterSend) / 1e6;
        System.out.printf("sync wake-up (%s): %.1f ms after the send began, %.1f ms after it returned%n",
                backend(), fromSendStart, fromSendReturn);
        assertTrue(fromSendStart < 2000, "woke after " + fromSendStart + " ms");
    }

    @Test
    void aLimitedTimelineLeavesAGapThatMessagesFills() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        String since = server.settle(alice, server.send(alice, roomId, "start"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(server.send(alice, roomId, "n" + i));
        }
        server.settle(alice, sent.getLast());

        Reply reply = server.sync(alice, "?since=" + since + "&filter="
                + enc("{\"room\":{\"timeline\":{\"limit\":3}}}"));
        JsonObject timeline = joinedRoom(reply, roomId).getJsonObject("timeline");
        assertTrue(timeline.getBoolean("limited"));
        assertEquals(sent.subList(9, 12), ids(timeline.getJsonArray("events")));

        Reply page = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=9&from="
                + timeline.getString("prev_batch"), alice.token());
        assertEquals(200, page.status(), page.raw());
        List<String> back = new ArrayList<>(ids(page.json().getJsonArray("chunk")));
        java.util.Collections.reverse(back);
        assertEquals(sent.subList(0, 9), back);
        assertTrue(page.json().containsKey("end"));

        Reply older = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=100&from="
                + page.string("end"), alice.token());
        List<String> olderIds = ids(older.json().getJsonArray("chunk"));
        assertTrue(olderIds.size() >= 2, older.raw());
        assertEquals("m.room.create", older.json().getJsonArray("chunk").getJsonObject(olderIds.size() - 1)
                .getString("type"));
        assertFalse(older.json().containsKey("end"), "no end at the room's start: " + older.raw());

        Reply forward = server.get("/rooms/" + enc(roomId) + "/messages?dir=f&limit=2&from="
                + timeline.getString("prev_batch"), alice.token());
        assertEquals(sent.subList(9, 11), ids(forward.json().getJsonArray("chunk")));
        Reply rest = server.get("/rooms/" + enc(roomId) + "/messages?dir=f&limit=5&from="
                + forward.string("end"), alice.token());
        assertEquals(sent.subList(11, 12), ids(rest.json().getJsonArray("chunk")));
        assertFalse(rest.json().containsKey("end"), rest.raw());
    }

    @Test
    void messagesStopsAtToInBothDirections() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(server.send(alice, roomId, "m" + i));
        }
        server.settle(alice, sent.getLast());
        String messages = "/rooms/" + enc(roomId) + "/messages?filter=" + enc("{\"types\":[\"m.room.message\"]}");

        // Two points: below m2 (the end of a backward page of four) and after m3 (a forward page of two from it).
        Reply newest = server.get(messages + "&dir=b&limit=4", alice.token());
        assertEquals(List.of(sent.get(5), sent.get(4), sent.get(3), sent.get(2)), ids(newest.json()
                .getJsonArray("chunk")), newest.raw());
        String belowM2 = newest.string("end");
        Reply two = server.get(messages + "&dir=f&limit=2&from=" + belowM2, alice.token());
        assertEquals(sent.subList(2, 4), ids(two.json().getJsonArray("chunk")), two.raw());
        String afterM3 = two.string("end");

        // Backwards, to is the lower bound, whatever the limit; forwards, the upper one.
        Reply back = server.get(messages + "&dir=b&limit=50&to=" + belowM2, alice.token());
        assertEquals(List.of(sent.get(5), sent.get(4), sent.get(3), sent.get(2)),
                ids(back.json().getJsonArray("chunk")), back.raw());
        Reply backBetween = server.get(messages + "&dir=b&limit=50&from=" + afterM3 + "&to=" + belowM2,
                alice.token());
        assertEquals(List.of(sent.get(3), sent.get(2)), ids(backBetween.json().getJsonArray("chunk")),
                backBetween.raw());
        Reply forward = server.get(messages + "&dir=f&limit=50&to=" + afterM3, alice.token());
        List<String> forwardIds = ids(forward.json().getJsonArray("chunk"));
        assertEquals(sent.subList(0, 4), forwardIds, forward.raw());
        Reply forwardBetween = server.get(messages + "&dir=f&limit=50&from=" + belowM2 + "&to=" + afterM3,
                alice.token());
        assertEquals(sent.subList(2, 4), ids(forwardBetween.json().getJsonArray("chunk")), forwardBetween.raw());
        // A limit still ends a page before to, with an end to go on from.
        Reply limited = server.get(messages + "&dir=f&limit=1&from=" + belowM2 + "&to=" + afterM3, alice.token());
        assertEquals(List.of(sent.get(2)), ids(limited.json().getJsonArray("chunk")), limited.raw());
        assertTrue(limited.json().containsKey("end"), limited.raw());
        assertError(server.get(messages + "&dir=f&to=nonsense", alice.token()), 400, "M_INVALID_PARAM");
    }

    @Test
    void leavingAndRejoiningShowInTheRightSections() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = server.createRoom(alice, """
                {"preset":"public_chat","initial_state":[{"type":"m.room.history_visibility",
                 "content":{"history_visibility":"joined"}}]}""");
        server.join(bob, roomId);
        String since = server.settle(bob, server.send(alice, roomId, "hi bob"));

        server.act(bob, roomId, "leave", null);
        String leftSince = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (leftSince == null) {
            assertTrue(System.nanoTime() < deadline, "the leave never reached the sync");
            Reply reply = server.sync(bob, "?timeout=5000&since=" + since);
            since = reply.string("next_batch");
            JsonObject left = section(reply, "leave", roomId);
            if (left != null) {
                JsonArray events = left.getJsonObject("timeline").getJsonArray("events");
                JsonObject leave = events.getJsonObject(events.size() - 1);
                assertEquals("m.room.member", leave.getString("type"));
                assertEquals("leave", leave.getJsonObject("content").getString("membership"));
                assertNull(joinedRoom(reply, roomId));
                leftSince = since;
            }
        }

        String secret = server.send(alice, roomId, "while bob was away");
        server.settle(alice, secret);
        Reply away = server.sync(bob, "?timeout=0&since=" + leftSince);
        assertFalse(away.raw().contains(secret), away.raw());

        server.join(bob, roomId);
        String back = server.send(alice, roomId, "welcome back");
        List<JsonObject> seen = new ArrayList<>();
        JsonObject rejoined = null;
        String batch = leftSince;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.stream().noneMatch(e -> e.getString("event_id").equals(back))) {
            assertTrue(System.nanoTime() < deadline, "the rejoin never reached the sync");
            Reply reply = server.sync(bob, "?timeout=5000&since=" + batch);
            batch = reply.string("next_batch");
            JsonObject room = joinedRoom(reply, roomId);
            if (room != null) {
                rejoined = rejoined == null ? room : rejoined;
                room.getJsonObject("timeline").getJsonArray("events").forEach(e -> seen.add(e.asJsonObject()));
            }
        }
        assertTrue(seen.stream().noneMatch(e -> e.getString("event_id").equals(secret)),
                "joined-only history leaked: " + seen);
        Set<String> state = types(rejoined.getJsonObject("state").getJsonArray("events"));
        assertTrue(state.contains("m.room.create"), "a rejoined room comes with its full state: " + state);

        Reply history = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=50", bob.token());
        assertFalse(history.raw().contains(secret), history.raw());
        assertTrue(history.raw().contains(back), history.raw());
    }

    @Test
    void aRoomJoinedAndLeftBetweenTwoSyncsComesWithItsState() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\",\"name\":\"Passing Through\"}");
        String since = server.sync(bob, "").string("next_batch");
        server.join(bob, roomId);
        server.act(bob, roomId, "leave", null);

        String filter = "&filter=" + enc("{\"room\":{\"timeline\":{\"limit\":2}}}");
        JsonObject left = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (left == null) {
            assertTrue(System.nanoTime() < deadline, "the leave never reached the sync");
            left = section(server.sync(bob, "?timeout=5000&since=" + since + filter), "leave", roomId);
        }
        JsonArray timeline = left.getJsonObject("timeline").getJsonArray("events");
        assertEquals("leave", timeline.getJsonObject(timeline.size() - 1).getJsonObject("content")
                .getString("membership"), timeline.toString());
        Set<String> state = types(left.getJsonObject("state").getJsonArray("events"));
        assertTrue(state.containsAll(Set.of("m.room.create", "m.room.name")),
                "the client never had this room's state: " + state);
    }

    @Test
    void invitesAreSeenWithStrippedStateAndRejectionsLeave() throws Exception {
        User alice = user();
        User carol = user();
        String roomId = server.createRoom(alice, "{\"preset\":\"private_chat\",\"name\":\"Secret Garden\"}");
        String since = server.sync(carol, "").string("next_batch");
        server.act(alice, roomId, "invite", carol);

        JsonObject invite = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (invite == null) {
            assertTrue(System.nanoTime() < deadline, "the invite never reached the sync");
            Reply reply = server.sync(carol, "?timeout=5000&since=" + since);
            since = reply.string("next_batch");
            invite = section(reply, "invite", roomId);
            assertNull(joinedRoom(reply, roomId));
        }
        JsonArray stripped = invite.getJsonObject("invite_state").getJsonArray("events");
        assertTrue(types(stripped).containsAll(Set.of("m.room.create", "m.room.join_rules", "m.room.name",
                "m.room.member")), stripped.toString());
        JsonObject self = stripped.stream().map(JsonValue::asJsonObject)
                .filter(e -> e.getString("type").equals("m.room.member")).findFirst().orElseThrow();
        assertEquals(carol.userId(), self.getString("state_key"));
        assertEquals("invite", self.getJsonObject("content").getString("membership"));
        assertEquals(alice.userId(), self.getString("sender"));
        assertFalse(self.containsKey("signatures"));
        assertNotNull(section(server.sync(carol, ""), "invite", roomId), "an initial sync lists the invite too");

        server.act(carol, roomId, "leave", null);
        awaitRejection(carol, roomId, since);
        Reply initial = server.sync(carol, "");
        assertNull(section(initial, "invite", roomId));
        assertNull(section(initial, "leave", roomId), "left rooms only with include_leave");
        Reply withLeave = server.sync(carol, "?filter=" + enc("{\"room\":{\"include_leave\":true}}"));
        assertNotNull(section(withLeave, "leave", roomId), withLeave.raw());
        Reply forgot = server.post("/rooms/" + enc(roomId) + "/forget", carol.token(), "{}");
        assertEquals(200, forgot.status(), forgot.raw());
        assertNull(section(server.sync(carol, "?filter=" + enc("{\"room\":{\"include_leave\":true}}")), "leave",
                roomId), "a forgotten room is not listed");
    }

    @Test
    void anInviteFromAnotherServerIsSyncedWithItsStrippedStateAndALeaveRetiresIt() throws Exception {
        User carol = user();
        String since = server.sync(carol, "").string("next_batch");
        String roomId = "!far" + NAMES.incrementAndGet() + ":elsewhere.example";
        String inviter = "@dave:elsewhere.example";
        RoomVersion v10 = RoomVersion.of("10").orElseThrow();
        SigningKey remoteKey = SigningKey.generate();
        // The stripped state as another server sends it: whole events, signatures and all.
        JsonObject create = Pdu.signNew(v10, Json.createObjectBuilder().add("room_id", roomId).add("sender", inviter)
                .add("type", "m.room.create").add("state_key", "")
                .add("content", Json.createObjectBuilder().add("room_version", "10"))
                .add("prev_events", Json.createArrayBuilder()).add("auth_events", Json.createArrayBuilder())
                .add("depth", 1).add("origin_server_ts", 1).build(), "elsewhere.example", remoteKey).json();
        JsonObject name = Json.createObjectBuilder().add("type", "m.room.name").add("state_key", "")
                .add("sender", inviter).add("content", Json.createObjectBuilder().add("name", "Far Away")).build();
        Pdu invite = Pdu.signNew(v10, Json.createObjectBuilder().add("room_id", roomId).add("sender", inviter)
                .add("type", "m.room.member").add("state_key", carol.userId())
                .add("content", Json.createObjectBuilder().add("membership", "invite"))
                .add("prev_events", Json.createArrayBuilder().add("$" + "p".repeat(43)))
                .add("auth_events", Json.createArrayBuilder().add("$" + "a".repeat(43)))
                .add("depth", 4).add("origin_server_ts", System.currentTimeMillis()).build(),
                "elsewhere.example", remoteKey);
        JsonObject signed = server.roomserver().receiveInvite(new InviteRequest("10", invite.json(),
                List.of(create, name))).event();
        assertTrue(signed.getJsonObject("signatures").containsKey("sync.test"), signed.toString());

        JsonObject invited = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (invited == null) {
            assertTrue(System.nanoTime() < deadline, "the invite never reached the sync");
            Reply reply = server.sync(carol, "?timeout=5000&since=" + since);
            since = reply.string("next_batch");
            invited = section(reply, "invite", roomId);
        }
        JsonArray stripped = invited.getJsonObject("invite_state").getJsonArray("events");
        assertEquals(Set.of("m.room.create", "m.room.name", "m.room.member"), types(stripped), stripped.toString());
        for (JsonValue event : stripped) {
            assertFalse(event.asJsonObject().containsKey("signatures"), "stripped state is stripped: " + event);
        }
        JsonObject self = stripped.stream().map(JsonValue::asJsonObject)
                .filter(e -> e.getString("type").equals("m.room.member")).findFirst().orElseThrow();
        assertEquals(carol.userId(), self.getString("state_key"));
        assertEquals(inviter, self.getString("sender"));
        assertNotNull(section(server.sync(carol, ""), "invite", roomId), "an initial sync lists the invite too");

        // Rejecting it cannot reach the inviting server yet; it is retired here.
        server.act(carol, roomId, "leave", null);
        awaitRejection(carol, roomId, since);
        assertNull(section(server.sync(carol, ""), "invite", roomId));
        assertError(server.post("/rooms/" + enc(roomId) + "/leave", carol.token(), "{}"), 404, "M_NOT_FOUND");
    }

    @Test
    void lazyLoadingSendsOnlyTheMembersOfTheTimelinesSenders() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        // A named room has no heroes, whose members lazy loading would send too.
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\",\"name\":\"Lazy\"}");
        server.join(bob, roomId);
        server.join(carol, roomId);
        server.send(alice, roomId, "from alice");
        String last = server.send(bob, roomId, "from bob");
        server.settle(alice, last);

        String lazy = "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true}}}";
        Reply first = server.sync(alice, "?filter=" + enc(lazy));
        JsonObject room = joinedRoom(first, roomId);
        List<String> members = room.getJsonObject("state").getJsonArray("events").stream()
                .map(JsonValue::asJsonObject).filter(e -> e.getString("type").equals("m.room.member"))
                .map(e -> e.getString("state_key")).sorted().toList();
        assertEquals(List.of(alice.userId(), bob.userId()).stream().sorted().toList(), members);
        assertEquals(3, room.getJsonObject("summary").getInt("m.joined_member_count"));

        JsonObject full = joinedRoom(server.sync(alice, "?filter=" + enc("{\"room\":{\"timeline\":{\"limit\":1}}}")),
                roomId);
        long allMembers = full.getJsonObject("state").getJsonArray("events").stream()
                .filter(e -> e.asJsonObject().getString("type").equals("m.room.member")).count();
        assertEquals(3, allMembers);

        // Bob's member event reached this device already; it comes again only when redundancy is asked for.
        String again = server.send(bob, roomId, "bob again");
        server.settle(alice, again);
        JsonObject later = joinedRoom(
                server.sync(alice, "?since=" + first.string("next_batch") + "&filter=" + enc(lazy)), roomId);
        assertEquals(List.of(again), ids(later.getJsonObject("timeline").getJsonArray("events")));
        assertEquals(0, later.getJsonObject("state").getJsonArray("events").size(), later.toString());
        Reply redundant = server.sync(alice, "?since=" + first.string("next_batch") + "&filter=" + enc(
                "{\"room\":{\"timeline\":{\"limit\":1},\"state\":{\"lazy_load_members\":true,"
                        + "\"include_redundant_members\":true}}}"));
        assertEquals(List.of(bob.userId()), joinedRoom(redundant, roomId).getJsonObject("state")
                .getJsonArray("events").stream().map(e -> e.asJsonObject().getString("state_key")).toList());

        Reply page = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=1&filter="
                + enc("{\"lazy_load_members\":true}"), alice.token());
        List<String> pageMembers = page.json().getJsonArray("state").stream()
                .map(e -> e.asJsonObject().getString("state_key")).toList();
        assertEquals(List.of(bob.userId()), pageMembers);
    }

    @Test
    void filtersApplyByIdAndInline() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        String since = server.settle(alice, server.send(alice, roomId, "first"));
        Reply state = server.put("/rooms/" + enc(roomId) + "/state/m.room.topic/", alice.token(),
                "{\"topic\":\"t\"}");
        assertEquals(200, state.status(), state.raw());
        String last = server.send(alice, roomId, "second");
        server.settle(alice, last);

        Reply created = server.post("/user/" + enc(alice.userId()) + "/filter", alice.token(),
                "{\"room\":{\"timeline\":{\"types\":[\"m.room.message\"],\"limit\":5}},"
                        + "\"event_fields\":[\"type\",\"content.body\",\"event_id\"]}");
        assertEquals(200, created.status(), created.raw());
        Reply byId = server.sync(alice, "?since=" + since + "&filter=" + created.string("filter_id"));
        JsonArray events = joinedRoom(byId, roomId).getJsonObject("timeline").getJsonArray("events");
        assertEquals(List.of(last), ids(events));
        assertEquals(Set.of("type", "content", "event_id"), events.getJsonObject(0).keySet());
        assertEquals(Set.of("body"), events.getJsonObject(0).getJsonObject("content").keySet());

        Reply inline = server.sync(alice, "?since=" + since + "&filter="
                + enc("{\"room\":{\"timeline\":{\"not_types\":[\"m.room.message\"]}}}"));
        assertEquals(Set.of("m.room.topic"), types(joinedRoom(inline, roomId).getJsonObject("timeline")
                .getJsonArray("events")));

        Reply otherRooms = server.sync(alice, "?since=" + since + "&filter=" + enc("{\"room\":{\"not_rooms\":[\""
                + roomId + "\"]}}"));
        assertNull(joinedRoom(otherRooms, roomId));
        Reply noTimeline = server.sync(alice, "?filter=" + enc("{\"room\":{\"timeline\":{\"not_rooms\":[\""
                + roomId + "\"]}}}"));
        JsonObject stateOnly = joinedRoom(noTimeline, roomId);
        assertEquals(0, stateOnly.getJsonObject("timeline").getJsonArray("events").size(), noTimeline.raw());
        assertTrue(types(stateOnly.getJsonObject("state").getJsonArray("events")).contains("m.room.create"));
        Reply nothingMatches = server.sync(alice,
                "?filter=" + enc("{\"room\":{\"timeline\":{\"types\":[\"x.none\"]}}}"));
        assertEquals(0, joinedRoom(nothingMatches, roomId).getJsonObject("timeline").getJsonArray("events").size());

        Reply federation = server.sync(alice,
                "?since=" + since + "&filter=" + enc("{\"event_format\":\"federation\"}"));
        JsonObject pdu = joinedRoom(federation, roomId).getJsonObject("timeline").getJsonArray("events")
                .getJsonObject(0);
        assertTrue(pdu.containsKey("hashes") && pdu.containsKey("signatures"), pdu.toString());
    }

    @Test
    void badParametersAreRefused() throws Exception {
        User alice = user();
        assertError(server.get("/sync?since=nonsense", alice.token()), 400, "M_INVALID_PARAM");
        assertError(server.get("/sync?timeout=soon", alice.token()), 400, "M_INVALID_PARAM");
        assertError(server.get("/sync?filter=12345", alice.token()), 400, "M_INVALID_PARAM");
        assertError(server.get("/sync?filter=" + enc("{nope"), alice.token()), 400, "M_NOT_JSON");
        assertError(server.get("/sync?filter=" + enc("{\"room\":{\"timeline\":{\"limit\":\"x\"}}}"),
                alice.token()), 400, "M_BAD_JSON");
        assertError(server.get("/sync?set_presence=dancing", alice.token()), 400, "M_INVALID_PARAM");
        assertEquals(200, server.get("/sync?set_presence=offline", alice.token()).status());
        assertError(server.get("/sync", null), 401, "M_MISSING_TOKEN");
        String roomId = server.createRoom(alice, "{}");
        assertError(server.get("/rooms/" + enc(roomId) + "/messages", alice.token()), 400, "M_MISSING_PARAM");
        assertError(server.get("/rooms/" + enc(roomId) + "/messages?dir=x", alice.token()), 400,
                "M_INVALID_PARAM");
        assertError(server.get("/rooms/" + enc(roomId) + "/messages?dir=b&from=zz", alice.token()), 400,
                "M_INVALID_PARAM");
        User stranger = user();
        assertError(server.get("/rooms/" + enc(roomId) + "/messages?dir=b", stranger.token()), 403,
                "M_FORBIDDEN");
    }

    @Test
    void theSendingDeviceAloneGetsItsTransactionId() throws Exception {
        User alice = user();
        User otherDevice = server.login(alice);
        String roomId = server.createRoom(alice, "{}");
        String eventId = server.sendTxn(alice, roomId, "mine", "txn-42");
        server.settle(alice, eventId);

        JsonObject own = find(server.sync(alice, ""), roomId, eventId);
        assertEquals("txn-42", own.getJsonObject("unsigned").getString("transaction_id"), own.toString());
        JsonObject other = find(server.sync(otherDevice, ""), roomId, eventId);
        assertFalse(other.getJsonObject("unsigned").containsKey("transaction_id"), other.toString());
    }

    private static JsonObject find(Reply reply, String roomId, String eventId) {
        JsonObject room = joinedRoom(reply, roomId);
        assertNotNull(room, reply.raw());
        return room.getJsonObject("timeline").getJsonArray("events").stream().map(JsonValue::asJsonObject)
                .filter(e -> e.getString("event_id").equals(eventId)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void roomsWhoseEventIdsTheServerChoosesSyncAndPaginate(String version) throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{\"room_version\":\"" + version + "\"}");
        String since = server.settle(alice, server.send(alice, roomId, "first"));

        String second = server.send(alice, roomId, "second");
        Collected got = collect(alice, since, roomId, 1, null);
        assertEquals(List.of(second), got.events().stream().map(e -> e.getString("event_id")).toList());
        Reply page = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=2", alice.token());
        assertEquals(200, page.status(), page.raw());
        assertEquals(List.of("second", "first"), bodies(page.json().getJsonArray("chunk").stream()
                .map(JsonValue::asJsonObject).toList()));

        Reply redaction = server.put("/rooms/" + enc(roomId) + "/redact/" + enc(second) + "/r1", alice.token(),
                "{}");
        assertEquals(200, redaction.status(), redaction.raw());
        server.settle(alice, redaction.string("event_id"));
        JsonObject redacted = find(server.sync(alice, ""), roomId, second);
        assertFalse(redacted.getJsonObject("content").containsKey("body"), redacted.toString());
        assertEquals(redaction.string("event_id"), redacted.getJsonObject("unsigned")
                .getJsonObject("redacted_because").getString("event_id"));
    }

    @Test
    void redactedEventsSayWhatRedactedThem() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        String eventId = server.send(alice, roomId, "oops");
        Reply redaction = server.put("/rooms/" + enc(roomId) + "/redact/" + enc(eventId) + "/r1", alice.token(),
                "{\"reason\":\"typo\"}");
        assertEquals(200, redaction.status(), redaction.raw());
        server.settle(alice, redaction.string("event_id"));

        JsonObject redacted = find(server.sync(alice, ""), roomId, eventId);
        assertFalse(redacted.getJsonObject("content").containsKey("body"), redacted.toString());
        assertEquals(redaction.string("event_id"), redacted.getJsonObject("unsigned")
                .getJsonObject("redacted_because").getString("event_id"));
    }

    @Test
    void contextShowsTheEventWithItsNeighbours() throws Exception {
        User alice = user();
        User stranger = user();
        String roomId = server.createRoom(alice, "{}");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(server.send(alice, roomId, "c" + i));
        }
        server.settle(alice, sent.getLast());
        Reply context = server.get("/rooms/" + enc(roomId) + "/context/" + enc(sent.get(2)) + "?limit=4",
                alice.token());
        assertEquals(200, context.status(), context.raw());
        assertEquals(sent.get(2), context.json().getJsonObject("event").getString("event_id"));
        assertEquals(List.of(sent.get(1), sent.get(0)), ids(context.json().getJsonArray("events_before")));
        assertEquals(List.of(sent.get(3), sent.get(4)), ids(context.json().getJsonArray("events_after")));
        assertTrue(types(context.json().getJsonArray("state")).contains("m.room.create"));
        Reply before = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=1&from="
                + context.string("start"), alice.token());
        assertEquals(2, before.json().getJsonArray("chunk").size() + 1);
        assertError(server.get("/rooms/" + enc(roomId) + "/context/" + enc(sent.get(2)), stranger.token()), 404,
                "M_NOT_FOUND");
        assertError(server.get("/rooms/" + enc(roomId) + "/context/%24nope", alice.token()), 404, "M_NOT_FOUND");
    }

    @Test
    void legacyEventsAndInitialSyncServeRoomEvents() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        server.settle(alice, server.send(alice, roomId, "old"));
        Reply initial = server.get("/initialSync?limit=3", alice.token());
        assertEquals(200, initial.status(), initial.raw());
        JsonObject room = initial.json().getJsonArray("rooms").stream().map(JsonValue::asJsonObject)
                .filter(r -> r.getString("room_id").equals(roomId)).findFirst().orElseThrow();
        assertEquals("join", room.getString("membership"));
        assertEquals(3, room.getJsonObject("messages").getJsonArray("chunk").size());
        assertTrue(types(room.getJsonArray("state")).contains("m.room.create"));

        String from = initial.string("end");
        String eventId = server.send(alice, roomId, "new");
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!seen.contains(eventId)) {
            assertTrue(System.nanoTime() < deadline, "the event never reached /events");
            Reply events = server.get("/events?timeout=5000&from=" + from, alice.token());
            assertEquals(200, events.status(), events.raw());
            seen.addAll(ids(events.json().getJsonArray("chunk")));
            from = events.string("end");
        }
        assertEquals(List.of(eventId), seen);
    }

    @Test
    void knocksAreSeenWithStrippedState() throws Exception {
        User alice = user();
        User dave = user();
        String roomId = server.createRoom(alice, """
                {"name":"Door","initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"knock"}}]}""");
        String since = server.sync(dave, "").string("next_batch");
        Reply knock = server.post("/knock/" + enc(roomId), dave.token(), "{\"reason\":\"let me in\"}");
        assertEquals(200, knock.status(), knock.raw());
        JsonObject knocked = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (knocked == null) {
            assertTrue(System.nanoTime() < deadline, "the knock never reached the sync");
            Reply reply = server.sync(dave, "?timeout=5000&since=" + since);
            since = reply.string("next_batch");
            knocked = section(reply, "knock", roomId);
        }
        JsonArray stripped = knocked.getJsonObject("knock_state").getJsonArray("events");
        assertTrue(types(stripped).containsAll(Set.of("m.room.name", "m.room.join_rules", "m.room.member")),
                stripped.toString());
    }

    @Test
    void sharedHistoryIsReadableAfterJoiningAndWorldReadableByAnyone() throws Exception {
        User alice = user();
        User bob = user();
        User stranger = user();
        String roomId = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        String early = server.send(alice, roomId, "before bob");
        server.join(bob, roomId);
        server.settle(bob, early);
        Reply history = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=50", bob.token());
        assertTrue(ids(history.json().getJsonArray("chunk")).contains(early), history.raw());
        assertError(server.get("/rooms/" + enc(roomId) + "/messages?dir=b", stranger.token()), 403, "M_FORBIDDEN");

        Reply open = server.put("/rooms/" + enc(roomId) + "/state/m.room.history_visibility/", alice.token(),
                "{\"history_visibility\":\"world_readable\"}");
        assertEquals(200, open.status(), open.raw());
        server.settle(alice, open.string("event_id"));
        Reply read = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=50", stranger.token());
        assertEquals(200, read.status(), read.raw());
        assertTrue(ids(read.json().getJsonArray("chunk")).contains(open.string("event_id")), read.raw());
    }

    @Test
    void fullStateResendsTheStateButNotOldEvents() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        String since = server.settle(alice, server.send(alice, roomId, "one"));
        String two = server.send(alice, roomId, "two");
        server.settle(alice, two);
        Reply full = server.sync(alice, "?full_state=true&since=" + since);
        JsonObject room = joinedRoom(full, roomId);
        assertEquals(List.of(two), ids(room.getJsonObject("timeline").getJsonArray("events")));
        assertTrue(types(room.getJsonObject("state").getJsonArray("events")).contains("m.room.create"));
    }

    @Test
    void tokensAndEventsSurviveARestartWithoutRepeats() throws Exception {
        User alice = user();
        String roomId = server.createRoom(alice, "{}");
        String since = server.settle(alice, server.send(alice, roomId, "before the restart"));

        server.restart();
        Reply quiet = server.sync(alice, "?timeout=0&since=" + since);
        assertNull(joinedRoom(quiet, roomId), quiet.raw());
        server.send(alice, roomId, "after the restart");
        Collected got = collect(alice, since, roomId, 1, null);
        assertEquals(List.of("after the restart"), bodies(got.events()));
        Reply initial = server.sync(alice, "?filter=" + enc("{\"room\":{\"timeline\":{\"limit\":50}}}"));
        List<String> all = bodies(joinedRoom(initial, roomId).getJsonObject("timeline").getJsonArray("events")
                .stream().map(JsonValue::asJsonObject).toList());
        assertEquals(List.of("before the restart", "after the restart"), all);
    }

    @Test
    void aPurgedRoomLeavesSyncAndItsPositionsAreNotHandedOutAgain() throws Exception {
        User alice = user();
        String kept = server.createRoom(alice, "{}");
        server.send(alice, kept, "in the kept room");
        String doomed = server.createRoom(alice, "{\"name\":\"Doomed\"}");
        // The purged room holds the stream's newest positions.
        String since = server.settle(alice, server.send(alice, doomed, "soon gone"));

        server.roomserver().purgeRoom(new PurgeRoomRequest(doomed, true));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Reply initial = server.sync(alice, "");
        while (joinedRoom(initial, doomed) != null) {
            assertTrue(System.nanoTime() < deadline, "the purged room stayed in the sync");
            initial = server.sync(alice, "");
        }
        assertNotNull(joinedRoom(initial, kept), initial.raw());
        assertFalse(initial.raw().contains("soon gone"), initial.raw());

        server.restart();
        server.send(alice, kept, "after the purge");
        Collected got = collect(alice, since, kept, 1, null);
        assertEquals(List.of("after the purge"), bodies(got.events()), "a position was handed out twice");
    }

    @Test
    void invitedHistoryStartsAtTheInvite() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = server.createRoom(alice, """
                {"preset":"private_chat","initial_state":[{"type":"m.room.history_visibility",
                 "content":{"history_visibility":"invited"}}]}""");
        String before = server.send(alice, roomId, "before the invite");
        server.act(alice, roomId, "invite", bob);
        String after = server.send(alice, roomId, "after the invite");
        server.join(bob, roomId);
        String last = server.send(alice, roomId, "after the join");
        server.settle(bob, last);

        Reply history = server.get("/rooms/" + enc(roomId) + "/messages?dir=b&limit=50", bob.token());
        List<String> seen = ids(history.json().getJsonArray("chunk"));
        assertTrue(seen.containsAll(List.of(after, last)), history.raw());
        assertFalse(seen.contains(before), history.raw());
        Reply initial = server.sync(bob, "?filter=" + enc("{\"room\":{\"timeline\":{\"limit\":50}}}"));
        List<String> timeline = ids(joinedRoom(initial, roomId).getJsonObject("timeline").getJsonArray("events"));
        assertTrue(timeline.contains(after) && !timeline.contains(before), timeline.toString());
        assertError(server.get("/rooms/" + enc(roomId) + "/context/" + enc(before), bob.token()), 404,
                "M_NOT_FOUND");
    }
}
