package io.myelin.sync.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.EventIds;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The to-device and device-list sources on real storage and the real bus: what {@code collect} returns, what it
 * deletes, what the bus consumers record, whom they wake; run once per database by the subclasses.
 */
abstract class DeviceSourcesTestBase {

    private static final AtomicInteger TXNS = new AtomicInteger();
    private static final long WAIT_MS = 15_000;
    private static final String ALICE = "@alice:test.local";
    private static final String BOB = "@bob:test.local";
    private static final String CAROL = "@carol:test.local";
    private static final String REMOTE = "@dave:remote.example";

    DeviceHarness harness;

    abstract DeviceHarness harness() throws Exception;

    @BeforeEach
    void start() throws Exception {
        harness = harness();
        harness.devices(ALICE, "A1");
        harness.devices(BOB, "B1", "B2");
        harness.devices(CAROL, "C1");
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static SyncResult collect(SyncSource source, String userId, String deviceId, long since, long upTo) {
        return collect(source, userId, deviceId, false, since, upTo);
    }

    private static SyncResult collect(SyncSource source, String userId, String deviceId, boolean initial, long since,
                                      long upTo) {
        SyncResult result = new SyncResult();
        source.collect(new SyncQuery(userId, deviceId, initial, false, JsonObject.EMPTY_JSON_OBJECT, Set.of(),
                Set.of()), since, upTo, result);
        return result;
    }

    private void sendTo(String recipient, String deviceId, JsonObject content) {
        harness.toDevice().send(ALICE, "A1", "t" + TXNS.incrementAndGet(), "m.test",
                Map.of(recipient, Map.of(deviceId, content)));
    }

    private static List<JsonObject> toDevice(SyncResult result) {
        return result.toJson("s0").getJsonObject("to_device").getJsonArray("events").getValuesAs(JsonObject.class);
    }

    private static Set<String> deviceList(SyncResult result, String key) {
        return result.toJson("s0").getJsonObject("device_lists").getJsonArray(key).getValuesAs(JsonString.class)
                .stream().map(JsonString::getString).collect(Collectors.toSet());
    }

    private long inbox(String userId, String deviceId) {
        return harness.count("SELECT COUNT(*) AS n FROM sync_to_device WHERE user_id = ? AND device_id = ?", userId,
                deviceId);
    }

    private static long waitPast(LongSupplier position, long after) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            long now = position.getAsLong();
            if (now > after) {
                return now;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the position stayed at " + after);
    }

    @Test
    void messagesAreDeliveredInOrderToTheirDeviceAndDeletedOnceAcknowledged() {
        ToDeviceSource source = harness.toDevice();
        assertEquals(SyncToken.TO_DEVICE, source.key());
        for (int i = 1; i <= 3; i++) {
            sendTo(BOB, "B1", Json.createObjectBuilder().add("n", i).build());
        }
        long upTo = source.position();
        assertEquals(3, upTo);

        List<JsonObject> first = toDevice(collect(source, BOB, "B1", 0, upTo));
        assertEquals(List.of(1, 2, 3), first.stream().map(e -> e.getJsonObject("content").getInt("n")).toList());
        assertEquals(ALICE, first.getFirst().getString("sender"));
        assertEquals("m.test", first.getFirst().getString("type"));
        assertTrue(toDevice(collect(source, BOB, "B2", 0, upTo)).isEmpty(), "another device gets nothing");

        // Until the client names a since past them, the messages are sent again.
        assertEquals(3, toDevice(collect(source, BOB, "B1", 0, upTo)).size());
        assertEquals(1, toDevice(collect(source, BOB, "B1", 2, upTo)).size());
        assertEquals(1, inbox(BOB, "B1"));
        SyncResult acknowledged = collect(source, BOB, "B1", upTo, upTo);
        assertTrue(acknowledged.isEmpty());
        assertEquals(0, inbox(BOB, "B1"));

        // A message after the position read before collecting waits for the next response.
        sendTo(BOB, "B1", Json.createObjectBuilder().add("n", 4).build());
        assertTrue(toDevice(collect(source, BOB, "B1", upTo, upTo)).isEmpty());
        assertEquals(1, toDevice(collect(source, BOB, "B1", upTo, source.position())).size());
    }

    @Test
    void aLongInboxComesInPagesAndTheTokenStopsAtTheLastMessageSent() {
        ToDeviceSource source = harness.toDevice();
        for (int i = 1; i <= 150; i++) {
            sendTo(BOB, "B1", Json.createObjectBuilder().add("n", i).build());
        }
        long upTo = source.position();

        SyncResult page = collect(source, BOB, "B1", 0, upTo);
        List<JsonObject> events = toDevice(page);
        assertEquals(ToDeviceSource.LIMIT, events.size());
        assertFalse(page.isEmpty());
        long held = page.nextPosition(SyncToken.TO_DEVICE, upTo);
        assertTrue(held < upTo, "the token must not pass the messages not sent yet");

        SyncResult rest = collect(source, BOB, "B1", held, upTo);
        List<JsonObject> restEvents = toDevice(rest);
        assertEquals(50, restEvents.size());
        assertEquals(101, restEvents.getFirst().getJsonObject("content").getInt("n"));
        assertEquals(upTo, rest.nextPosition(SyncToken.TO_DEVICE, upTo));
        assertEquals(50, inbox(BOB, "B1"));
    }

    @Test
    void theStarReachesEveryDeviceAndARetrySendsNothing() throws Exception {
        ToDeviceSource source = harness.toDevice();
        Map<String, Map<String, JsonObject>> messages = Map.of(BOB, Map.of("*", Json.createObjectBuilder()
                .add("all", true).build()));
        long seen = harness.notifier().mark(BOB);
        source.send(ALICE, "A1", "star", "m.test", messages);
        assertTrue(harness.notifier().await(BOB, seen, Duration.ofSeconds(5)), "the recipient is woken");
        assertEquals(1, inbox(BOB, "B1"));
        assertEquals(1, inbox(BOB, "B2"));

        harness.restart(null);
        harness.devices(BOB, "B1", "B2", "B3");
        harness.toDevice().send(ALICE, "A1", "star", "m.test", messages);
        assertEquals(0, inbox(BOB, "B3"), "a retried transaction sends nothing, also after a restart");
        assertEquals(2, harness.toDevice().position());
    }

    @Test
    void messagesForRemoteUsersArePublishedOncePerServer() throws Exception {
        BlockingQueue<String> published = new LinkedBlockingQueue<>();
        try (Subscription ignored = harness.bus().subscribe(Streams.OUTPUT_SEND_TO_DEVICE_EVENT, "test-remote",
                m -> {
                    published.add(m.subject() + " " + new String(m.payload(), StandardCharsets.UTF_8));
                    m.ack();
                })) {
            JsonObject content = Json.createObjectBuilder().add("k", "v").build();
            Map<String, Map<String, JsonObject>> messages = Map.of(REMOTE, Map.of("D1", content), BOB,
                    Map.of("B1", content));
            harness.toDevice().send(ALICE, "A1", "r1", "m.room_key", messages);
            harness.toDevice().send(ALICE, "A1", "r1", "m.room_key", messages);
            harness.toDevice().send(ALICE, "A1", "r2", "m.other", Map.of(REMOTE, Map.of("*", content)));

            String first = published.poll(10, TimeUnit.SECONDS);
            String second = published.poll(10, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("remote.example "), String.valueOf(first));
            JsonObject edu = Json.createReader(new StringReader(first.substring(first.indexOf(' ') + 1)))
                    .readObject();
            assertEquals(ALICE, edu.getString("sender"));
            assertEquals("m.room_key", edu.getString("type"));
            assertEquals("A1/m.room_key/r1", edu.getString("message_id"));
            assertEquals(Json.createObjectBuilder().add(REMOTE, Json.createObjectBuilder().add("D1", content))
                    .build(), edu.getJsonObject("messages"));
            assertTrue(second != null && second.contains("\"m.other\""), "the retry published nothing: " + second);
            assertEquals(1, inbox(BOB, "B1"));
        }
    }

    @Test
    void aDeletedDevicesInboxIsEmptied() throws Exception {
        sendTo(BOB, "B1", JsonObject.EMPTY_JSON_OBJECT);
        sendTo(BOB, "B2", JsonObject.EMPTY_JSON_OBJECT);
        long before = harness.deviceLists().position();
        harness.bus().publish(Streams.OUTPUT_KEY_CHANGE_EVENT, BOB,
                new DeviceListChange(BOB, "B1", DeviceListChange.DEVICE_DELETED).toBytes());
        waitPast(harness.deviceLists()::position, before);
        assertEquals(0, inbox(BOB, "B1"));
        assertEquals(1, inbox(BOB, "B2"));
    }

    private String member(String roomId, String userId, String membership, boolean current) {
        RoomVersion version = RoomVersion.of("10").orElseThrow();
        JsonObject event = Json.createObjectBuilder().add("type", "m.room.member").add("state_key", userId)
                .add("sender", userId).add("room_id", roomId).add("origin_server_ts", TXNS.incrementAndGet())
                .add("depth", 5).add("prev_events", Json.createArrayBuilder()).add("auth_events",
                        Json.createArrayBuilder()).add("content", Json.createObjectBuilder()
                        .add("membership", membership)).build();
        String eventId = EventIds.eventId(event, version);
        JsonObject output = Json.createObjectBuilder().add("type", "new_room_event").add("roomId", roomId)
                .add("roomVersion", "10").add("event", event)
                .add("addsStateEventIds", current ? Json.createArrayBuilder().add(eventId) : Json.createArrayBuilder())
                .add("removesStateEventIds", Json.createArrayBuilder()).build();
        harness.bus().publish(Streams.OUTPUT_ROOM_EVENT, roomId, output.toString().getBytes(StandardCharsets.UTF_8));
        return eventId;
    }

    private long keyChange(String userId) throws InterruptedException {
        long before = harness.deviceLists().position();
        harness.bus().publish(Streams.OUTPUT_KEY_CHANGE_EVENT, userId,
                new DeviceListChange(userId, null, DeviceListChange.CROSS_SIGNING).toBytes());
        return waitPast(harness.deviceLists()::position, before);
    }

    @Test
    void deviceListsFollowRoomMatesAndMemberships() throws Exception {
        DeviceListSource source = harness.deviceLists();
        assertEquals(SyncToken.DEVICE_LISTS, source.key());
        harness.room("!r:test.local", ALICE);
        long start = source.position();

        // Bob joins Alice's room: he is a change for her, and she is woken.
        long seen = harness.notifier().mark(ALICE);
        harness.room("!r:test.local", ALICE, BOB);
        member("!r:test.local", BOB, "join", true);
        long joined = waitPast(source::position, start);
        assertTrue(harness.notifier().await(ALICE, seen, Duration.ofSeconds(5)), "Alice is woken");
        assertEquals(Set.of(BOB), deviceList(collect(source, ALICE, "A1", start, joined), "changed"));
        assertTrue(collect(source, ALICE, "A1", true, 0, joined).isEmpty(), "an initial sync has no device lists");

        // A display name change or an event that did not become current state is no membership change.
        member("!r:test.local", BOB, "join", true);
        member("!r:test.local", BOB, "leave", false);
        long carolChanged = keyChange(CAROL);
        assertEquals(1, harness.count("SELECT COUNT(*) AS n FROM sync_device_list_members"));

        // Key changes: Carol shares no room with Alice, Bob does, and Alice's own count for her.
        keyChange(BOB);
        long own = keyChange(ALICE);
        assertEquals(Set.of(BOB, ALICE), deviceList(collect(source, ALICE, "A1", joined, own), "changed"));
        assertEquals(Set.of(CAROL), deviceList(collect(source, CAROL, "C1", joined, carolChanged), "changed"));

        // Alice joins a room with Carol and a remote user: both are new to her.
        harness.room("!s:test.local", CAROL, REMOTE, ALICE);
        member("!s:test.local", ALICE, "join", true);
        long aliceJoined = waitPast(source::position, own);
        assertEquals(Set.of(CAROL, REMOTE), deviceList(collect(source, ALICE, "A1", own, aliceJoined), "changed"));

        // Bob leaves: he shares nothing with Alice any more; Carol leaves but still shares the other room.
        harness.room("!r:test.local", ALICE);
        member("!r:test.local", BOB, "leave", true);
        long bobLeft = waitPast(source::position, aliceJoined);
        SyncResult afterLeave = collect(source, ALICE, "A1", aliceJoined, bobLeft);
        assertEquals(Set.of(BOB), deviceList(afterLeave, "left"));
        assertTrue(deviceList(afterLeave, "changed").isEmpty());
        assertEquals(Set.of(ALICE), deviceList(collect(source, BOB, "B1", aliceJoined, bobLeft), "left"));

        // Alice leaves the second room: Carol and the remote user are gone for her.
        harness.room("!s:test.local", CAROL, REMOTE);
        member("!s:test.local", ALICE, "leave", true);
        long aliceLeft = waitPast(source::position, bobLeft);
        assertEquals(Set.of(CAROL, REMOTE), deviceList(collect(source, ALICE, "A1", bobLeft, aliceLeft), "left"));

        // An invite to a room Carol was never joined to is no leaving: she never shared it with its members.
        harness.room("!u:test.local", ALICE, BOB);
        member("!u:test.local", CAROL, "invite", true);
        member("!u:test.local", BOB, "join", true);
        long invited = waitPast(source::position, aliceLeft);
        assertTrue(deviceList(collect(source, CAROL, "C1", aliceLeft, invited), "left").isEmpty());
    }

    @Test
    void aUsersOwnJoinNamesTheMembersAtThatJoinNotThoseWhoCameLater() throws Exception {
        DeviceListSource source = harness.deviceLists();
        long start = source.position();
        // Alice joins a room that Carol is in; Bob joins after her. The room's state already holds Bob when a
        // sync reads the window with only Alice's join in it: he belongs to the next window, once.
        harness.room("!w:test.local", CAROL, ALICE);
        String aliceJoin = member("!w:test.local", ALICE, "join", true);
        harness.stateAfter(aliceJoin, CAROL, ALICE);
        long aliceJoined = waitPast(source::position, start);
        harness.room("!w:test.local", CAROL, ALICE, BOB);
        member("!w:test.local", BOB, "join", true);
        long bobJoined = waitPast(source::position, aliceJoined);

        assertEquals(Set.of(CAROL), deviceList(collect(source, ALICE, "A1", start, aliceJoined), "changed"));
        assertEquals(Set.of(BOB), deviceList(collect(source, ALICE, "A1", aliceJoined, bobJoined), "changed"));
        assertEquals(Set.of(CAROL, BOB), deviceList(collect(source, ALICE, "A1", start, bobJoined), "changed"));
    }
}
