package io.myelin.server.sync;

import static io.myelin.server.sync.EduServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.myelin.server.TestHomeserver.Backend;
import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.EduServer.User;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Account data, typing, receipts, read markers, notification counts and presence as {@code GET /sync} returns
 * them, over real HTTP; run once per database by the subclasses (the sources themselves are tested below the
 * endpoint in the sync module).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncEduSyncTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private EduServer server;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = EduServer.start(Files.createTempDirectory("myelin-syncedu-sync-"), backend(),
                "  presence:\n    enabled: true\n", List.of());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("y" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }

    private String room(User creator, User... joiners) throws Exception {
        String roomId = server.post("/createRoom", creator.token(), "{\"preset\":\"public_chat\"}").string("room_id");
        for (User joiner : joiners) {
            assertEquals(200, server.post("/join/" + enc(roomId), joiner.token(), "{}").status());
        }
        return roomId;
    }

    private String send(User sender, String roomId, String content) throws Exception {
        Reply reply = server.put("/rooms/" + enc(roomId) + "/send/m.room.message/t" + NAMES.incrementAndGet(),
                sender.token(), content);
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("event_id");
    }

    private JsonObject sync(User user, String since, String query) throws Exception {
        Reply reply = server.get("/sync?timeout=" + (since == null ? "0" : "10000")
                + (since == null ? "" : "&since=" + enc(since)) + query, user.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    private static List<JsonObject> ephemeral(JsonObject sync, String roomId, String type) {
        JsonObject join = sync.getJsonObject("rooms").getJsonObject("join");
        if (join == null || !join.containsKey(roomId)) {
            return List.of();
        }
        return join.getJsonObject(roomId).getJsonObject("ephemeral").getJsonArray("events")
                .getValuesAs(JsonObject.class).stream().filter(e -> e.getString("type").equals(type)).toList();
    }

    private static List<String> typers(JsonObject typing) {
        return typing.getJsonObject("content").getJsonArray("user_ids").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    /** Initial syncs until one passes: counts are made a little after the event, by their own consumer. */
    private JsonObject eventually(User user, Predicate<JsonObject> done) throws Exception {
        return eventually(user, "", done);
    }

    private JsonObject eventually(User user, String query, Predicate<JsonObject> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonObject sync = sync(user, null, query);
            if (done.test(sync)) {
                return sync;
            }
            assertTrue(System.nanoTime() < deadline, "never came: " + sync);
            Thread.sleep(50);
        }
    }

    /** An initial sync that already lists the room, so that the join itself cannot wake the next one. */
    private String joinedSync(User user, String roomId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonObject sync = sync(user, null, "");
            JsonObject rooms = sync.getJsonObject("rooms");
            JsonObject join = rooms == null ? null : rooms.getJsonObject("join");
            if (join != null && join.containsKey(roomId)) {
                return sync.getString("next_batch");
            }
            assertTrue(System.nanoTime() < deadline, "the join never reached sync: " + sync);
            Thread.sleep(50);
        }
    }

    private static int unreadCount(JsonObject sync, String roomId) {
        JsonObject join = sync.getJsonObject("rooms").getJsonObject("join");
        return join == null || !join.containsKey(roomId) ? -1
                : unread(sync, roomId).getInt("notification_count");
    }

    private static JsonObject unread(JsonObject sync, String roomId) {
        return sync.getJsonObject("rooms").getJsonObject("join").getJsonObject(roomId)
                .getJsonObject("unread_notifications");
    }

    @Test
    void typingWakesALongPollAndExpires() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String since = joinedSync(bob, roomId);
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/typing/" + enc(alice.userId()), alice.token(),
                "{\"typing\":true,\"timeout\":500}").status());
        NextTyping typing = nextTyping(bob, since, roomId);
        assertEquals(List.of(alice.userId()), typing.userIds());
        assertEquals(List.of(), nextTyping(bob, typing.nextBatch(), roomId).userIds());
    }

    @Test
    void aUserWhoLeavesStopsTypingAtOnce() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String since = joinedSync(alice, roomId);
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/typing/" + enc(bob.userId()), bob.token(),
                "{\"typing\":true,\"timeout\":120000}").status());
        NextTyping typing = nextTyping(alice, since, roomId);
        assertEquals(List.of(bob.userId()), typing.userIds());

        // Two minutes of typing would outlast nextTyping's ten seconds: only the leave can end it in time.
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/leave", bob.token(), "{}").status());
        assertEquals(List.of(), nextTyping(alice, typing.nextBatch(), roomId).userIds());
    }

    private record NextTyping(List<String> userIds, String nextBatch) {
    }

    /**
     * Incremental syncs until one carries the room's {@code m.typing}: the room's own events (the join) may
     * reach the stream a moment after the initial sync and wake the poll first.
     */
    private NextTyping nextTyping(User user, String since, String roomId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String batch = since;
        while (true) {
            assertTrue(System.nanoTime() < deadline, "no m.typing reached " + user.userId());
            JsonObject sync = sync(user, batch, "");
            batch = sync.getString("next_batch");
            List<JsonObject> typing = ephemeral(sync, roomId, "m.typing");
            if (!typing.isEmpty()) {
                return new NextTyping(typers(typing.getFirst()), batch);
            }
        }
    }

    @Test
    void receiptsAndReadMarkersReachTheRightPeople() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String first = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"one\"}");
        String second = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"two\"}");
        String aliceSince = sync(alice, null, "").getString("next_batch");
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/read_markers", bob.token(),
                "{\"m.fully_read\":\"" + first + "\",\"m.read.private\":\"" + second + "\"}").status());
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(first), bob.token(),
                "{\"thread_id\":\"main\"}").status());

        // Sync follows the roomserver a little late: take incremental syncs until bob's receipt has come.
        JsonObject receipts = null;
        String since = aliceSince;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receipts == null || !receipts.containsKey(first)) {
            assertTrue(System.nanoTime() < deadline, "bob's receipt never reached alice's sync");
            JsonObject next = sync(alice, since, "");
            since = next.getString("next_batch");
            List<JsonObject> found = ephemeral(next, roomId, "m.receipt");
            receipts = found.isEmpty() ? receipts : found.getFirst().getJsonObject("content");
        }
        assertEquals("main", receipts.getJsonObject(first).getJsonObject("m.read").getJsonObject(bob.userId())
                .getString("thread_id"));
        assertFalse(receipts.containsKey(second), "bob's private receipt is his alone");

        // Bob's own sync lists the room once sync has taken his join, which the receipts do not wait for.
        JsonObject bobs = eventually(bob, s -> !ephemeral(s, roomId, "m.receipt").isEmpty());
        assertTrue(ephemeral(bobs, roomId, "m.receipt").getFirst().getJsonObject("content")
                .getJsonObject(second).containsKey("m.read.private"));
        JsonObject fullyRead = bobs.getJsonObject("rooms").getJsonObject("join").getJsonObject(roomId)
                .getJsonObject("account_data").getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getString("type").equals("m.fully_read")).findFirst().orElseThrow();
        assertEquals(first, fullyRead.getJsonObject("content").getString("event_id"));
    }

    @Test
    void mentionsHighlightAndAReceiptClearsTheCount() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"hello\"}");
        String mention = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"bob?\","
                + "\"m.mentions\":{\"user_ids\":[\"" + bob.userId() + "\"]}}");
        JsonObject counts = unread(eventually(bob, s -> unreadCount(s, roomId) == 2), roomId);
        assertEquals(2, counts.getInt("notification_count"));
        assertEquals(1, counts.getInt("highlight_count"));
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(mention), bob.token(), "{}")
                .status());
        assertEquals(0, unread(eventually(bob, s -> unreadCount(s, roomId) == 0), roomId)
                .getInt("notification_count"));
    }

    @Test
    void aReceiptAfterARestartReachesAClientWhoseTokenCameFromACount() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String message = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"counted\"}");
        // The count is the newest position of the receipts stream that bob's token holds.
        String since = eventually(bob, s -> unreadCount(s, roomId) == 1).getString("next_batch");

        server.restart();
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(message), alice.token(),
                "{}").status());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String batch = since;
        List<JsonObject> receipts = List.of();
        while (receipts.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "alice's receipt never reached bob's sync");
            JsonObject next = sync(bob, batch, "");
            batch = next.getString("next_batch");
            receipts = ephemeral(next, roomId, "m.receipt");
        }
        assertTrue(receipts.getFirst().getJsonObject("content").getJsonObject(message).getJsonObject("m.read")
                .containsKey(alice.userId()), receipts.toString());
    }

    @Test
    void setPresenceOnSyncIsSeenByRoomMates() throws Exception {
        User alice = user();
        User bob = user();
        room(alice, bob);
        sync(alice, null, "&set_presence=unavailable");
        // Room mates are known once sync has taken bob's join, which presence does not wait for.
        JsonObject presence = presenceOf(eventually(bob, s -> presenceOf(s, alice) != null), alice);
        assertEquals("unavailable", presence.getJsonObject("content").getString("presence"));
        Reply legacy = server.get("/initialSync", bob.token());
        assertEquals(200, legacy.status(), legacy.raw());
        assertTrue(legacy.json().getJsonArray("presence").getValuesAs(JsonObject.class).stream()
                .anyMatch(e -> e.getString("sender").equals(alice.userId())), "/initialSync has presence too");
        assertEquals(400, server.get("/sync?timeout=0&set_presence=away", alice.token()).status());
        assertEquals(JsonValue.ValueType.OBJECT, sync(alice, null, "&set_presence=offline").getValueType());
    }

    @Test
    void threadsAreCountedApartWhenTheFilterAsksAndThreadedReceiptsReadOnlyTheirThread() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String root = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"root\"}");
        String inThread = "{\"msgtype\":\"m.text\",\"body\":\"reply\",\"m.relates_to\":{\"rel_type\":\"m.thread\","
                + "\"event_id\":\"" + root + "\"}}";
        String reply = send(alice, roomId, inThread);
        send(alice, roomId, inThread);
        String main = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"main\"}");
        String threaded = "&filter=" + enc("{\"room\":{\"timeline\":{\"unread_thread_notifications\":true}}}");

        eventually(bob, s -> unreadCount(s, roomId) == 4);
        JsonObject apart = joinedRoom(eventually(bob, threaded, s -> unreadCount(s, roomId) == 2), roomId);
        assertEquals(2, threadCount(apart, root), apart.toString());
        assertFalse(joinedRoom(sync(bob, null, ""), roomId).containsKey("unread_thread_notifications"));

        receipt(bob, roomId, reply, root, 200);
        JsonObject afterThread = joinedRoom(eventually(bob, threaded,
                s -> threadCount(joinedRoom(s, roomId), root) == 1), roomId);
        assertEquals(2, afterThread.getJsonObject("unread_notifications").getInt("notification_count"));
        eventually(bob, s -> unreadCount(s, roomId) == 3);

        String since = sync(bob, null, threaded).getString("next_batch");
        receipt(bob, roomId, main, "main", 200);
        JsonObject room = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (room == null || unreadCount(room) != 0) {
            assertTrue(System.nanoTime() < deadline, "the main timeline's receipt never cleared its count");
            JsonObject next = sync(bob, since, threaded);
            since = next.getString("next_batch");
            room = joinedRoom(next, roomId) == null ? room : joinedRoom(next, roomId);
        }
        assertEquals(1, threadCount(room, root), room.toString());
        eventually(bob, s -> unreadCount(s, roomId) == 1);

        // An event outside the thread cannot carry that thread's receipt; the root can. The main timeline's
        // receipt cannot name an event in a thread, and the root is in the main timeline.
        receipt(bob, roomId, main, root, 400);
        receipt(bob, roomId, root, root, 200);
        receipt(bob, roomId, reply, "main", 400);
        receipt(bob, roomId, root, "main", 200);
    }

    @Test
    void aReadReceiptNeverMovesBackwards() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String first = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"one\"}");
        String second = send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"two\"}");
        receipt(bob, roomId, second, null, 200);
        // An older event is accepted and ignored; another thread keeps its own receipt.
        receipt(bob, roomId, first, null, 200);
        receipt(bob, roomId, first, "main", 200);

        JsonObject sync = eventually(alice, s -> !ephemeral(s, roomId, "m.receipt").isEmpty());
        JsonObject content = ephemeral(sync, roomId, "m.receipt").getFirst().getJsonObject("content");
        JsonObject atSecond = content.getJsonObject(second).getJsonObject("m.read").getJsonObject(bob.userId());
        assertFalse(atSecond.containsKey("thread_id"), content.toString());
        JsonObject atFirst = content.getJsonObject(first).getJsonObject("m.read").getJsonObject(bob.userId());
        assertEquals("main", atFirst.getString("thread_id"), content.toString());
    }

    @Test
    void accountDataPresenceAndEphemeralFiltersHonourTheirLimitsAndRefuseBadLists() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String user = "/user/" + enc(alice.userId());
        for (String type : List.of("org.example.a", "org.example.b", "org.example.c")) {
            assertEquals(200, server.put(user + "/account_data/" + type, alice.token(), "{}").status());
            assertEquals(200, server.put(user + "/rooms/" + enc(roomId) + "/account_data/" + type, alice.token(),
                    "{}").status());
        }
        assertEquals(200, server.put("/rooms/" + enc(roomId) + "/typing/" + enc(bob.userId()), bob.token(),
                "{\"typing\":true,\"timeout\":120000}").status());
        receipt(bob, roomId, send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"hi\"}"), null, 200);
        sync(bob, null, "&set_presence=online");

        // Unfiltered, each part holds more than one event.
        JsonObject all = eventually(alice, s -> events(joinedRoom(s, roomId), "account_data").size() == 3
                && events(joinedRoom(s, roomId), "ephemeral").size() == 2
                && !s.getJsonObject("presence").getJsonArray("events").isEmpty());
        assertTrue(all.getJsonObject("account_data").getJsonArray("events").size() >= 3, all.toString());

        String limits = "{\"account_data\":{\"limit\":1},\"presence\":{\"limit\":0},"
                + "\"room\":{\"account_data\":{\"limit\":2},\"ephemeral\":{\"limit\":1}}}";
        JsonObject limited = sync(alice, null, "&filter=" + enc(limits));
        assertEquals(1, limited.getJsonObject("account_data").getJsonArray("events").size(), limited.toString());
        assertEquals(0, limited.getJsonObject("presence").getJsonArray("events").size(), limited.toString());
        assertEquals(2, events(joinedRoom(limited, roomId), "account_data").size(), limited.toString());
        assertEquals(1, events(joinedRoom(limited, roomId), "ephemeral").size(), limited.toString());

        for (String bad : List.of("{\"account_data\":{\"types\":\"org.example.a\"}}",
                "{\"presence\":{\"not_senders\":[1]}}", "{\"presence\":[]}",
                "{\"room\":{\"ephemeral\":{\"limit\":\"one\"}}}",
                "{\"room\":{\"account_data\":{\"rooms\":{}}}}")) {
            Reply refused = server.get("/sync?timeout=0&filter=" + enc(bad), alice.token());
            assertEquals(400, refused.status(), bad + ": " + refused.raw());
            assertEquals("M_BAD_JSON", refused.string("errcode"), bad);
        }
    }

    private static List<JsonObject> events(JsonObject room, String part) {
        return room == null ? List.of() : room.getJsonObject(part).getJsonArray("events")
                .getValuesAs(JsonObject.class);
    }

    @Test
    void roomsLeftCarryTheirAccountData() throws Exception {
        User alice = user();
        User bob = user();
        String roomId = room(alice, bob);
        String since = joinedSync(bob, roomId);
        String path = "/user/" + enc(bob.userId()) + "/rooms/" + enc(roomId) + "/account_data/";
        assertEquals(200, server.put(path + "org.example.kept", bob.token(), "{\"n\":1}").status());
        assertEquals(200, server.put(path + "org.example.hidden", bob.token(), "{\"n\":2}").status());
        assertEquals(200, server.post("/rooms/" + enc(roomId) + "/leave", bob.token(), "{}").status());

        // An incremental sync that carries the leave carries the room's account data changed since.
        String notHidden = "&filter=" + enc("{\"room\":{\"include_leave\":true,"
                + "\"account_data\":{\"not_types\":[\"org.example.hidden\"]}}}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!leftAccountData(sync(bob, since, notHidden), roomId).equals(List.of("org.example.kept"))) {
            assertTrue(System.nanoTime() < deadline, "the leave and the account data never came together");
            Thread.sleep(50);
        }

        // An initial sync with include_leave carries all of it, as the filter allows.
        JsonObject initial = sync(bob, null, notHidden);
        assertEquals(List.of("org.example.kept"), leftAccountData(initial, roomId), initial.toString());
        JsonObject all = sync(bob, null, "&filter=" + enc("{\"room\":{\"include_leave\":true}}"));
        assertEquals(List.of("org.example.hidden", "org.example.kept"),
                leftAccountData(all, roomId).stream().sorted().toList(), all.toString());
    }

    private static List<String> leftAccountData(JsonObject sync, String roomId) {
        JsonObject leave = sync.getJsonObject("rooms").getJsonObject("leave");
        if (leave == null || !leave.containsKey(roomId)) {
            return List.of();
        }
        return leave.getJsonObject(roomId).getJsonObject("account_data").getJsonArray("events")
                .getValuesAs(JsonObject.class).stream().map(e -> e.getString("type")).toList();
    }

    /** Sends an {@code m.read} receipt, unthreaded when {@code threadId} is null. */
    private void receipt(User user, String roomId, String eventId, String threadId, int status) throws Exception {
        Reply reply = server.post("/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(eventId), user.token(),
                threadId == null ? "{}" : "{\"thread_id\":\"" + threadId + "\"}");
        assertEquals(status, reply.status(), reply.raw());
        if (status == 400) {
            assertEquals("M_INVALID_PARAM", reply.string("errcode"));
        }
    }

    private static JsonObject presenceOf(JsonObject sync, User user) {
        return sync.getJsonObject("presence").getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getString("sender").equals(user.userId())).findFirst().orElse(null);
    }

    private static JsonObject joinedRoom(JsonObject sync, String roomId) {
        JsonObject join = sync.getJsonObject("rooms").getJsonObject("join");
        return join == null ? null : join.getJsonObject(roomId);
    }

    private static int unreadCount(JsonObject room) {
        return room.getJsonObject("unread_notifications").getInt("notification_count");
    }

    private static int threadCount(JsonObject room, String root) {
        JsonObject threads = room == null ? null : room.getJsonObject("unread_thread_notifications");
        return threads == null || !threads.containsKey(root) ? 0
                : threads.getJsonObject(root).getInt("notification_count");
    }
}
