package io.myelin.server.sync;

import static io.myelin.server.sync.DeviceServer.assertError;
import static io.myelin.server.sync.DeviceServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.myelin.server.TestHomeserver.Reply;
import io.myelin.server.sync.DeviceServer.User;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code PUT /sendToDevice} and {@code GET /keys/changes} over real HTTP against a whole server; run once per
 * database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncDeviceHttpTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long WAIT_MS = 15_000;

    private DeviceServer server;

    abstract DeviceServer.Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = DeviceServer.start(Files.createTempDirectory("myelin-syncdev-"), backend());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user() throws Exception {
        return server.register("d" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    }

    private Reply send(User sender, String type, String txnId, String body) throws Exception {
        return server.put("/sendToDevice/" + enc(type) + "/" + enc(txnId), sender.token(), body);
    }

    private List<List<String>> inbox(User recipient) throws Exception {
        return server.query("SELECT device_id, sender, type, content FROM sync_to_device WHERE user_id = ?"
                + " ORDER BY pos", recipient.userId());
    }

    private long deviceListPosition() throws Exception {
        return Long.parseLong(server.query("SELECT pos FROM sync_device_positions WHERE stream = 'device_lists'")
                .getFirst().getFirst());
    }

    private static String token(long deviceLists) {
        return "s0_0_0_0_0_0_" + deviceLists;
    }

    private JsonObject changes(User asker, long from, long to) throws Exception {
        Reply reply = server.get("/keys/changes?from=" + token(from) + "&to=" + token(to), asker.token());
        assertEquals(200, reply.status(), reply.raw());
        return reply.json();
    }

    private static Set<String> list(JsonObject changes, String key) {
        return changes.getJsonArray(key).getValuesAs(JsonString.class).stream().map(JsonString::getString)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Waits until the device-list position passes {@code after}, then returns it. */
    private long positionAfter(long after) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            long now = deviceListPosition();
            if (now > after) {
                return now;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the device-list position stayed at " + after);
    }

    /** Waits until the changes {@code asker} sees from {@code from} on satisfy {@code condition}. */
    private JsonObject changesUntil(User asker, long from, Predicate<JsonObject> condition) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        JsonObject last = null;
        while (System.currentTimeMillis() < deadline) {
            last = changes(asker, from, Long.MAX_VALUE / 2);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("device-list changes never matched; last " + last);
    }

    private String createRoom(User creator) throws Exception {
        Reply reply = server.post("/createRoom", creator.token(), "{\"preset\":\"public_chat\"}");
        assertEquals(200, reply.status(), reply.raw());
        return reply.string("room_id");
    }

    private void membership(User user, String roomId, String action) throws Exception {
        Reply reply = server.post("/rooms/" + enc(roomId) + "/" + action, user.token(), "{}");
        assertEquals(200, reply.status(), reply.raw());
    }

    private void rename(User user, String name) throws Exception {
        Reply reply = server.put("/devices/" + enc(user.deviceId()), user.token(),
                "{\"display_name\":\"" + name + "\"}");
        assertEquals(200, reply.status(), reply.raw());
    }

    @Test
    void aRetriedTransactionSendsNothingNewEvenAfterARestart() throws Exception {
        User alice = user();
        User bob = user();
        String body = "{\"messages\":{\"%s\":{\"%s\":{\"n\":%d}}}}";

        Reply first = send(alice, "m.test", "txn1", body.formatted(bob.userId(), bob.deviceId(), 1));
        assertEquals(200, first.status(), first.raw());
        assertEquals(JsonObject.EMPTY_JSON_OBJECT, first.json());
        assertEquals(List.of(List.of(bob.deviceId(), alice.userId(), "m.test", "{\"n\":1}")), inbox(bob));

        server.restart();
        Reply retry = send(alice, "m.test", "txn1", body.formatted(bob.userId(), bob.deviceId(), 2));
        assertEquals(200, retry.status(), retry.raw());
        assertEquals(1, inbox(bob).size(), "a retry must not store the message again");

        // Transaction ids belong to the sending device: another device or another id is a new request.
        User aliceAgain = server.login(alice);
        assertEquals(200, send(aliceAgain, "m.test", "txn1", body.formatted(bob.userId(), bob.deviceId(), 3))
                .status());
        assertEquals(200, send(alice, "m.test", "txn2", body.formatted(bob.userId(), bob.deviceId(), 4)).status());
        assertEquals(List.of("{\"n\":1}", "{\"n\":3}", "{\"n\":4}"),
                inbox(bob).stream().map(row -> row.get(3)).toList());
    }

    @Test
    void transactionIdsArePerEventTypeForgottenAfterADayAndWithTheirDevice() throws Exception {
        User alice = user();
        User bob = user();
        String body = "{\"messages\":{\"%s\":{\"%s\":{\"n\":%d}}}}";

        // The same id with another event type is another endpoint's transaction; its retry sends nothing.
        assertEquals(200, send(alice, "m.test", "t1", body.formatted(bob.userId(), bob.deviceId(), 1)).status());
        assertEquals(200, send(alice, "m.other", "t1", body.formatted(bob.userId(), bob.deviceId(), 2)).status());
        assertEquals(200, send(alice, "m.other", "t1", body.formatted(bob.userId(), bob.deviceId(), 3)).status());
        assertEquals(List.of("m.test={\"n\":1}", "m.other={\"n\":2}"),
                inbox(bob).stream().map(row -> row.get(2) + "=" + row.get(3)).toList());
        assertEquals(List.of(List.of("m.other", "t1"), List.of("m.test", "t1")), txns(alice));

        // An id handled more than a day ago is forgotten by the first send after the start.
        server.stop();
        assertEquals(1, server.execute("UPDATE sync_to_device_txns SET created_ts = created_ts - ?"
                + " WHERE user_id = ? AND type = 'm.test'", 2 * 24 * 60 * 60 * 1000L, alice.userId()));
        server.startAgain();
        assertEquals(200, send(alice, "m.test", "t2", body.formatted(bob.userId(), bob.deviceId(), 4)).status());
        assertEquals(List.of(List.of("m.other", "t1"), List.of("m.test", "t2")), txns(alice));

        // Logging out deletes the device, and the ids it sent with it.
        assertEquals(200, server.post("/logout", alice.token(), "{}").status());
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!txns(alice).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), txns(alice));
    }

    private List<List<String>> txns(User sender) throws Exception {
        return server.query("SELECT type, txn_id FROM sync_to_device_txns WHERE user_id = ? AND device_id = ?"
                + " ORDER BY type, txn_id", sender.userId(), sender.deviceId());
    }

    @Test
    void theStarDeviceReachesEveryDeviceOfTheUserAndUnknownDevicesNothing() throws Exception {
        User alice = user();
        User bob = user();
        User bob2 = server.login(bob);
        User bob3 = server.login(bob);

        Reply reply = send(alice, "m.room_key_request", "star", """
                {"messages":{"%s":{"*":{"to":"all"},"%s":{"to":"two"},"NOSUCHDEVICE":{"to":"nobody"}}}}
                """.formatted(bob.userId(), bob2.deviceId()));
        assertEquals(200, reply.status(), reply.raw());

        Set<String> rows = inbox(bob).stream().map(row -> row.get(0) + "=" + row.get(3))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of(bob.deviceId() + "={\"to\":\"all\"}", bob2.deviceId() + "={\"to\":\"two\"}",
                bob3.deviceId() + "={\"to\":\"all\"}")), rows);
    }

    @Test
    void messagesForOtherServersAreNotStoredHere() throws Exception {
        User alice = user();
        Reply reply = send(alice, "m.test", "remote",
                "{\"messages\":{\"@someone:elsewhere.example\":{\"DEV\":{\"a\":1}}}}");
        assertEquals(200, reply.status(), reply.raw());
        assertTrue(server.query("SELECT pos FROM sync_to_device WHERE user_id = ?", "@someone:elsewhere.example")
                .isEmpty());
    }

    @Test
    void malformedSendToDeviceRequestsAreRefused() throws Exception {
        User alice = user();
        User bob = user();
        assertError(send(alice, "m.test", "b1", "not json"), 400, "M_NOT_JSON");
        assertError(send(alice, "m.test", "b2", "{}"), 400, "M_MISSING_PARAM");
        assertError(send(alice, "m.test", "b2", "{\"messages\":null}"), 400, "M_BAD_JSON");
        assertError(send(alice, "m.test", "b3", "{\"messages\":[]}"), 400, "M_BAD_JSON");
        assertError(send(alice, "m.test", "b4", "{\"messages\":{\"" + bob.userId() + "\":[]}}"), 400, "M_BAD_JSON");
        assertError(send(alice, "m.test", "b5", "{\"messages\":{\"" + bob.userId() + "\":{\"D\":\"text\"}}}"),
                400, "M_BAD_JSON");
        assertError(send(alice, "m.test", "b6", "{\"messages\":{\"not-a-user\":{\"D\":{}}}}"), 400,
                "M_INVALID_PARAM");
        assertError(server.put("/sendToDevice/m.test/b7", null, "{\"messages\":{}}"), 401, "M_MISSING_TOKEN");
        assertTrue(inbox(bob).isEmpty());
        // A refused request does not use up its transaction id.
        assertEquals(200, send(alice, "m.test", "b2", "{\"messages\":{}}").status());
    }

    @Test
    void keyChangesNameRoomMatesWhoseDevicesChangedAndThoseWhoLeft() throws Exception {
        User alice = user();
        User bob = user();
        User carol = user();
        String room = createRoom(alice);
        long beforeJoin = deviceListPosition();

        // Bob joining is a change for Alice (a new room mate) and Alice one for Bob.
        membership(bob, room, "join");
        assertTrue(list(changesUntil(alice, beforeJoin, c -> list(c, "changed").contains(bob.userId())), "left")
                .isEmpty());
        assertTrue(list(changes(bob, beforeJoin, deviceListPosition()), "changed").contains(alice.userId()));

        // Bob renaming a device is a change for Alice; Carol, who shares no room with her, is not.
        long beforeRename = deviceListPosition();
        rename(carol, "carol's phone");
        long afterCarol = positionAfter(beforeRename);
        assertFalse(list(changes(alice, beforeRename, afterCarol), "changed").contains(carol.userId()));
        assertEquals(Set.of(carol.userId()), list(changes(carol, beforeRename, afterCarol), "changed"),
                "a user's own change is theirs to see");
        rename(bob, "bob's laptop");
        JsonObject renamed = changesUntil(alice, afterCarol, c -> list(c, "changed").contains(bob.userId()));
        assertEquals(Set.of(bob.userId()), list(renamed, "changed"));

        // Bob leaving the only room he shared with Alice: each is in the other's left.
        long beforeLeave = deviceListPosition();
        membership(bob, room, "leave");
        JsonObject left = changesUntil(alice, beforeLeave, c -> list(c, "left").contains(bob.userId()));
        assertFalse(list(left, "changed").contains(bob.userId()));
        assertTrue(list(changes(bob, beforeLeave, deviceListPosition()), "left").contains(alice.userId()));

        // The window is bounded by to: nothing after it shows.
        assertTrue(list(changes(alice, beforeJoin, beforeJoin), "changed").isEmpty());
    }

    @Test
    void keyChangesNeedTwoSyncTokens() throws Exception {
        User alice = user();
        assertError(server.get("/keys/changes?to=s0", alice.token()), 400, "M_MISSING_PARAM");
        assertError(server.get("/keys/changes?from=s0", alice.token()), 400, "M_MISSING_PARAM");
        assertError(server.get("/keys/changes?from=nonsense&to=s0", alice.token()), 400, "M_INVALID_PARAM");
        assertError(server.get("/keys/changes?from=s0&to=s0", null), 401, "M_MISSING_TOKEN");
        Reply empty = server.get("/keys/changes?from=s0&to=s0", alice.token());
        assertEquals(200, empty.status(), empty.raw());
        assertTrue(empty.json().getJsonArray("changed").isEmpty());
        assertTrue(empty.json().getJsonArray("left").isEmpty());
    }
}
