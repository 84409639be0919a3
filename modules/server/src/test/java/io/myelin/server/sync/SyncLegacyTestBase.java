package io.myelin.server.sync;

import static io.myelin.server.sync.SyncServer.assertError;
import static io.myelin.server.sync.SyncServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.SyncServer.User;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deprecated {@code GET /events}, {@code GET /initialSync}, {@code GET /rooms/{roomId}/initialSync} and
 * {@code GET /events/{eventId}} over real HTTP; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncLegacyTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private SyncServer server;

    abstract SyncServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = SyncServer.start(Files.createTempDirectory("myelin-sync-legacy-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("l" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }



    /** Polls {@code /events} until an event has reached the rooms stream. */
    private void settle(User user, String eventId) throws Exception {
        eventsUntil(user, "t0", eventId);
    }

    private static List<String> types(JsonArray events) {
        return events.stream().map(e -> e.asJsonObject().getString("type")).toList();
    }

    private static JsonObject room(Reply initialSync, String roomId) {
        return initialSync.json().getJsonArray("rooms").stream().map(JsonValue::asJsonObject)
                .filter(r -> r.getString("room_id").equals(roomId)).findFirst().orElse(null);
    }

    private static List<String> ids(JsonArray events) {
        return events.stream().map(e -> e.asJsonObject().getString("event_id")).toList();
    }

    /** Pages through {@code /events} from a token until an event has come; every event id seen, in order. */
    private List<String> eventsUntil(User user, String from, String last) throws Exception {
        return page(user, from, last).seen();
    }

    private record Paged(List<String> seen, String end) {
    }

    private Paged page(User user, String from, String last) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String token = from;
        while (!seen.contains(last)) {
            assertTrue(System.nanoTime() < deadline, "only " + seen + " reached /events");
            Reply events = server.get("/events?timeout=1000&from=" + token, user.token());
            assertEquals(200, events.status(), events.raw());
            seen.addAll(ids(events.json().getJsonArray("chunk")));
            token = events.string("end");
        }
        return new Paged(seen, token);
    }

    @Test
    void eventsPagesPastEventsTheUserCannotSee() throws Exception {
        User alice = user();
        User bob = user();
        String mine = server.createRoom(alice, "{}");
        String theirs = server.createRoom(bob, "{}");
        // Start after everything alice's room already holds: the rooms stream follows the roomserver a little late.
        String from = page(alice, "t0", server.send(alice, mine, "start")).end();
        // More than a page of another room's events, then one of alice's, then a page more, then another.
        for (int i = 0; i < 105; i++) {
            server.send(bob, theirs, "hidden " + i);
        }
        String first = server.send(alice, mine, "first");
        for (int i = 0; i < 100; i++) {
            server.send(bob, theirs, "hidden again " + i);
        }
        String second = server.send(alice, mine, "second");
        assertEquals(List.of(first, second), eventsUntil(alice, from, second));
    }

    @Test
    void oneRoomAndOneEventAreServedToThoseWhoMaySeeThem() throws Exception {
        User alice = user();
        User stranger = user();
        String roomId = server.createRoom(alice, "{\"preset\":\"private_chat\"}");
        String message = server.send(alice, roomId, "hello");
        settle(alice, message);

        Reply room = server.get("/rooms/" + enc(roomId) + "/initialSync", alice.token());
        assertEquals(200, room.status(), room.raw());
        assertEquals(roomId, room.string("room_id"));
        assertEquals("join", room.string("membership"));
        assertEquals(message, ids(room.json().getJsonObject("messages").getJsonArray("chunk")).getLast());
        assertTrue(types(room.json().getJsonArray("state")).contains("m.room.create"), room.raw());
        assertError(server.get("/rooms/" + enc(roomId) + "/initialSync", stranger.token()), 403, "M_FORBIDDEN");

        Reply event = server.get("/events/" + enc(message), alice.token());
        assertEquals(200, event.status(), event.raw());
        assertEquals(message, event.string("event_id"));
        assertEquals("hello", event.json().getJsonObject("content").getString("body"));
        assertError(server.get("/events/" + enc(message), stranger.token()), 404, "M_NOT_FOUND");
        assertError(server.get("/events/%24nope", alice.token()), 404, "M_NOT_FOUND");
    }

    @Test
    void initialSyncVisibilitySaysWhetherTheRoomIsInTheDirectory() throws Exception {
        User alice = user();
        String listed = server.createRoom(alice, "{\"preset\":\"private_chat\",\"visibility\":\"public\"}");
        String readable = server.createRoom(alice, "{\"preset\":\"public_chat\"}");
        settle(alice, server.state(alice, readable, "m.room.history_visibility",
                "{\"history_visibility\":\"world_readable\"}"));
        settle(alice, server.send(alice, listed, "listed"));

        // A world-readable history does not list a room; a room in the directory is public whatever its history.
        assertEquals("public", server.get("/rooms/" + enc(listed) + "/initialSync", alice.token())
                .string("visibility"));
        assertEquals("private", server.get("/rooms/" + enc(readable) + "/initialSync", alice.token())
                .string("visibility"));
        Reply initial = server.get("/initialSync", alice.token());
        assertEquals("public", room(initial, listed).getString("visibility"), initial.raw());
        assertEquals("private", room(initial, readable).getString("visibility"), initial.raw());

        Reply publish = server.put("/directory/list/room/" + enc(readable), alice.token(),
                "{\"visibility\":\"public\"}");
        assertEquals(200, publish.status(), publish.raw());
        assertEquals("public", server.get("/rooms/" + enc(readable) + "/initialSync", alice.token())
                .string("visibility"));
    }

    @Test
    void initialSyncCarriesAccountDataAndArchivedRoomsWhenAsked() throws Exception {
        User alice = user();
        String kept = server.createRoom(alice, "{}");
        String gone = server.createRoom(alice, "{}");
        String user = enc(alice.userId());
        assertEquals(200, server.put("/user/" + user + "/account_data/org.example.global", alice.token(),
                "{\"x\":1}").status());
        assertEquals(200, server.put("/user/" + user + "/rooms/" + enc(kept) + "/account_data/org.example.room",
                alice.token(), "{\"y\":2}").status());
        Reply leave = server.post("/rooms/" + enc(gone) + "/leave", alice.token(), "{}");
        assertEquals(200, leave.status(), leave.raw());
        settle(alice, server.send(alice, kept, "after the leave"));

        // The rooms stream keeps order within a room only: the leave may come a little after that message.
        Reply initial = server.get("/initialSync", alice.token());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (room(initial, gone) != null) {
            assertTrue(System.nanoTime() < deadline, "the leave never reached /initialSync");
            Thread.sleep(50);
            initial = server.get("/initialSync", alice.token());
        }
        assertEquals(200, initial.status(), initial.raw());
        assertTrue(types(initial.json().getJsonArray("account_data")).contains("org.example.global"),
                initial.raw());
        assertEquals(List.of("org.example.room"), types(room(initial, kept).getJsonArray("account_data")));

        Reply archived = server.get("/initialSync?archived=true", alice.token());
        JsonObject left = room(archived, gone);
        assertEquals("leave", left.getString("membership"), archived.raw());
        List<String> leftTypes = types(left.getJsonObject("messages").getJsonArray("chunk"));
        assertEquals("m.room.member", leftTypes.getLast(), "the timeline ends at the leave");
        assertFalse(types(left.getJsonArray("state")).isEmpty());
        assertError(server.get("/initialSync?archived=maybe", alice.token()), 400, "M_INVALID_PARAM");
    }
}
