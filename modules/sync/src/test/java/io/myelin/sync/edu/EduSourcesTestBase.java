package io.myelin.sync.edu;

import static io.myelin.sync.edu.EduHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.MembershipRequest;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.users.PutAccountDataRequest;
import io.myelin.sync.edu.EduHarness.Backend;
import io.myelin.sync.edu.EduHarness.Response;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What account data, typing, receipts, notification counts and presence put in a sync response, on the real
 * storage, bus, roomserver and users components; run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EduSourcesTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private EduHarness h;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        h = EduHarness.start(backend(), true);
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static String user() {
        return "@u" + NAMES.incrementAndGet() + "_" + ProcessHandle.current().pid() + ":" + EduHarness.SERVER_NAME;
    }

    private String room(String creator, String... joiners) {
        String roomId = h.rooms().createRoom(new CreateRoomRequest(creator, "public_chat", null, null, null, null,
                List.of(), List.of(), null, null, null, false)).roomId();
        for (String joiner : joiners) {
            h.rooms().changeMembership(new MembershipRequest(roomId, joiner, joiner, "join", null));
        }
        return roomId;
    }

    private String send(String roomId, String sender, JsonObject content) {
        return h.rooms().sendEvent(new SendEventRequest(roomId, sender, "m.room.message", null, content,
                "t" + NAMES.incrementAndGet())).eventId();
    }

    private static JsonObject text(String body) {
        return Json.createObjectBuilder().add("msgtype", "m.text").add("body", body).build();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new java.io.StringReader(text)).readObject();
    }

    private static List<String> types(List<JsonObject> events) {
        return events.stream().map(e -> e.getString("type")).toList();
    }

    private static JsonObject ofType(List<JsonObject> events, String type) {
        return events.stream().filter(e -> e.getString("type").equals(type)).findFirst().orElse(null);
    }

    private static List<JsonObject> globalAccountData(Response response) {
        return response.body().getJsonObject("account_data").getJsonArray("events").stream()
                .map(JsonValue::asJsonObject).toList();
    }

    private static List<JsonObject> roomAccountData(Response response, String roomId) {
        JsonObject room = response.room(roomId);
        return room == null ? List.of() : room.getJsonObject("account_data").getJsonArray("events").stream()
                .map(JsonValue::asJsonObject).toList();
    }

    @Test
    void accountDataComesWholeOnInitialSyncAndAsChangesAfter() throws Exception {
        String alice = user();
        String roomId = room(alice);
        String elsewhere = room(user());
        AccountDataSource source = h.source(AccountDataSource.class);
        long before = source.position();
        h.userData().putAccountData(new PutAccountDataRequest(alice, "", "org.example.a", json("{\"n\":1}")));
        h.userData().putAccountData(new PutAccountDataRequest(alice, roomId, "org.example.b", json("{\"n\":2}")));
        h.userData().putAccountData(new PutAccountDataRequest(alice, elsewhere, "org.example.c", json("{}")));
        await("the changes are recorded", () -> source.position() >= before + 3);

        Response initial = h.sync(alice, null);
        List<JsonObject> global = globalAccountData(initial);
        assertEquals(json("{\"n\":1}"), ofType(global, "org.example.a").getJsonObject("content"));
        JsonObject pushRules = ofType(global, "m.push_rules").getJsonObject("content");
        assertTrue(pushRules.getJsonObject("global").containsKey("override"), pushRules.toString());
        assertEquals(List.of("org.example.b"), types(roomAccountData(initial, roomId)));
        assertNull(initial.room(elsewhere), "account data of a room the user is not in stays out");

        Response quiet = h.sync(alice, initial.next());
        assertTrue(globalAccountData(quiet).isEmpty(), quiet.body().toString());

        h.userData().putAccountData(new PutAccountDataRequest(alice, "", "org.example.a", json("{\"n\":3}")));
        await("the change is recorded", () -> source.position() > initial.next().position("account_data"));
        Response changed = h.sync(alice, initial.next());
        assertEquals(List.of("org.example.a"), types(globalAccountData(changed)));
        assertEquals(3, globalAccountData(changed).getFirst().getJsonObject("content").getInt("n"));
        assertNull(changed.room(roomId), "unchanged room account data is not sent again");
    }

    @Test
    void accountDataChangeWakesTheUser() throws Exception {
        String alice = user();
        AccountDataSource source = h.source(AccountDataSource.class);
        long seen = h.notifier().mark(alice);
        h.userData().putAccountData(new PutAccountDataRequest(alice, "", "org.example.wake", json("{}")));
        assertTrue(h.notifier().await(alice, seen, Duration.ofSeconds(10)));
        assertTrue(source.position() > 0);
    }

    @Test
    void typingAppearsForTheRoomAndExpires() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        Typing typing = h.source(Typing.class);
        Response start = h.sync(bob, null);
        assertTrue(start.ephemeral(roomId, "m.typing").isEmpty());

        long seen = h.notifier().mark(bob);
        typing.set(roomId, alice, true, 300);
        assertTrue(h.notifier().await(bob, seen, Duration.ofSeconds(5)), "bob is woken");
        Response typingNow = h.sync(bob, start.next());
        assertEquals(List.of(alice), userIds(typingNow.ephemeral(roomId, "m.typing").getFirst()));
        assertEquals(List.of(alice), userIds(h.sync(bob, null).ephemeral(roomId, "m.typing").getFirst()),
                "an initial sync shows who types now");

        await("the notification runs out", () -> typing.typing(roomId).isEmpty());
        Response stopped = h.sync(bob, typingNow.next());
        assertEquals(List.of(), userIds(stopped.ephemeral(roomId, "m.typing").getFirst()));
        assertTrue(h.sync(bob, stopped.next()).ephemeral(roomId, "m.typing").isEmpty());

        typing.set(roomId, alice, true, 30_000);
        typing.set(roomId, bob, true, 30_000);
        typing.set(roomId, alice, false, 0);
        assertEquals(List.of(bob), userIds(h.sync(alice, stopped.next()).ephemeral(roomId, "m.typing").getFirst()));
    }

    private static List<String> userIds(JsonObject typing) {
        return typing.getJsonObject("content").getJsonArray("user_ids").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList();
    }

    @Test
    void receiptsShowPublicToAllAndPrivateToTheirOwnerOnly() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        String first = send(roomId, alice, text("one"));
        String second = send(roomId, alice, text("two"));
        Receipts receipts = h.source(Receipts.class);
        Response aliceStart = h.sync(alice, null);

        long seen = h.notifier().mark(alice);
        receipts.put(new Receipts.Receipt(roomId, bob, Receipts.READ, "", first, 1000));
        assertTrue(h.notifier().await(alice, seen, Duration.ofSeconds(5)));
        receipts.put(new Receipts.Receipt(roomId, bob, Receipts.READ_PRIVATE, "", second, 2000));
        receipts.put(new Receipts.Receipt(roomId, bob, Receipts.READ, first, second, 3000));

        JsonObject seenByAlice = h.sync(alice, aliceStart.next()).ephemeral(roomId, "m.receipt").getFirst()
                .getJsonObject("content");
        assertEquals(json("{\"ts\":1000}"), seenByAlice.getJsonObject(first).getJsonObject("m.read")
                .getJsonObject(bob));
        assertEquals(json("{\"ts\":3000,\"thread_id\":\"" + first + "\"}"),
                seenByAlice.getJsonObject(second).getJsonObject("m.read").getJsonObject(bob));
        assertFalse(seenByAlice.getJsonObject(second).containsKey("m.read.private"), seenByAlice.toString());

        JsonObject seenByBob = h.sync(bob, null).ephemeral(roomId, "m.receipt").getFirst().getJsonObject("content");
        assertEquals(2000, seenByBob.getJsonObject(second).getJsonObject("m.read.private").getJsonObject(bob)
                .getInt("ts"));

        Response later = h.sync(alice, null);
        assertEquals(2, later.ephemeral(roomId, "m.receipt").getFirst().getJsonObject("content").size(),
                "an initial sync shows every current receipt");
        receipts.put(new Receipts.Receipt(roomId, bob, Receipts.READ, "", second, 4000));
        JsonObject change = h.sync(alice, later.next()).ephemeral(roomId, "m.receipt").getFirst()
                .getJsonObject("content");
        assertEquals(Set.of(second), change.keySet(), "only the changed receipt is sent");
        assertEquals(4000, change.getJsonObject(second).getJsonObject("m.read").getJsonObject(bob).getInt("ts"));
    }

    @Test
    void aRoomJoinedSinceComesWithItsWholePicture() throws Exception {
        String alice = user();
        String bob = user();
        String carol = user();
        String roomId = room(alice, bob);
        String event = send(roomId, alice, text("before carol"));
        h.source(Receipts.class).put(new Receipts.Receipt(roomId, bob, Receipts.READ, "", event, 10));
        h.source(Typing.class).set(roomId, alice, true, 30_000);
        AccountDataSource accountData = h.source(AccountDataSource.class);
        long before = accountData.position();
        h.userData().putAccountData(new PutAccountDataRequest(carol, roomId, "m.tag", json("{\"tags\":{}}")));
        await("the account data change is recorded", () -> accountData.position() > before);
        Response start = h.sync(carol, null);
        assertNull(start.room(roomId));

        h.rooms().changeMembership(new MembershipRequest(roomId, carol, carol, "join", null));
        Response joined = h.sync(carol, start.next(), Set.of(roomId));
        assertEquals(Set.of(event), joined.ephemeral(roomId, "m.receipt").getFirst().getJsonObject("content")
                .keySet());
        assertEquals(List.of(alice), userIds(joined.ephemeral(roomId, "m.typing").getFirst()));
        assertEquals(List.of("m.tag"), types(roomAccountData(joined, roomId)));
        h.source(Typing.class).set(roomId, alice, false, 0);
    }

    @Test
    void theFilterLeavesOutWhatItExcludes() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        String event = send(roomId, alice, text("filtered"));
        h.source(Receipts.class).put(new Receipts.Receipt(roomId, alice, Receipts.READ, "", event, 10));
        h.source(Typing.class).set(roomId, alice, true, 30_000);
        h.source(Presence.class).put(alice, "online", null);
        AccountDataSource accountData = h.source(AccountDataSource.class);
        long before = accountData.position();
        h.userData().putAccountData(new PutAccountDataRequest(bob, "", "org.example.kept", json("{}")));
        h.userData().putAccountData(new PutAccountDataRequest(bob, "", "org.example.dropped", json("{}")));
        await("the account data changes are recorded", () -> accountData.position() >= before + 2);

        Response filtered = h.sync(bob, null, Set.of(), json("""
                {"account_data":{"types":["org.example.kept"]},"room":{"ephemeral":{"not_types":["m.typing"]}},
                 "presence":{"not_senders":["%s"]}}""".formatted(alice)));
        assertEquals(List.of("org.example.kept"), types(globalAccountData(filtered)));
        assertEquals(1, filtered.ephemeral(roomId, "m.receipt").size());
        assertTrue(filtered.ephemeral(roomId, "m.typing").isEmpty());
        assertNull(presenceOf(filtered, alice));
        Response unfiltered = h.sync(bob, null);
        assertEquals(1, unfiltered.ephemeral(roomId, "m.typing").size());
        assertTrue(types(globalAccountData(unfiltered)).contains("org.example.dropped"));
        h.source(Typing.class).set(roomId, alice, false, 0);
    }

    @Test
    void notificationsAreCountedAndAReadReceiptResetsThem() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        UnreadCheck counts = new UnreadCheck(bob, roomId);
        assertEquals("0/0", counts.now());

        send(roomId, alice, text("hello"));
        await("one notification", () -> counts.now().equals("1/0"));
        String mention = send(roomId, alice, Json.createObjectBuilder(text("hi bob"))
                .add("m.mentions", Json.createObjectBuilder().add("user_ids", Json.createArrayBuilder().add(bob)))
                .build());
        await("a highlighted notification", () -> counts.now().equals("2/1"));
        send(roomId, bob, text("own messages never notify"));
        send(roomId, alice, Json.createObjectBuilder().add("msgtype", "m.notice").add("body", "bot").build());
        send(roomId, alice, text("after the notice"));
        // Events of a room are counted in order, so the notice and bob's own message were evaluated by now.
        await("the message after the notice", () -> counts.now().equals("3/1"));
        assertEquals("1/0", new UnreadCheck(alice, roomId).now(), "alice counts only bob's message, not her own");

        h.source(Receipts.class).put(new Receipts.Receipt(roomId, bob, Receipts.READ, "", mention, 1));
        assertEquals("1/0", counts.now(), "a receipt reads the events up to its own");

        String reply = send(roomId, bob, text("a reply"));
        h.source(Receipts.class).put(new Receipts.Receipt(roomId, bob, Receipts.READ_PRIVATE, "", reply, 2));
        assertEquals("0/0", counts.now(), "a receipt for a later event that did not notify reads everything");

        h.source(Receipts.class).put(new Receipts.Receipt(roomId, bob, Receipts.READ, "", reply, 3));
        String threaded = send(roomId, alice, text("in a thread"));
        await("the new message", () -> counts.now().equals("1/0"));
        h.source(Receipts.class).put(new Receipts.Receipt(roomId, bob, Receipts.READ, mention, threaded, 4));
        assertEquals("1/0", counts.now(), "a receipt in a thread leaves the room's count alone");

        Response now = h.sync(bob, null);
        Response quiet = h.sync(bob, now.next());
        assertNull(quiet.room(roomId), "counts only decorate rooms other sources put in the response");
    }

    @Test
    void aReceiptBehindAnEarlierOneRewindsNothing() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        UnreadCheck counts = new UnreadCheck(bob, roomId);
        String first = send(roomId, alice, text("one"));
        String second = send(roomId, alice, text("two"));
        await("two notifications", () -> counts.now().equals("2/0"));
        Receipts receipts = h.source(Receipts.class);
        receipts.put(new Receipts.Receipt(roomId, bob, Receipts.READ_PRIVATE, "", second, 1));
        assertEquals("0/0", counts.now());
        send(roomId, alice, text("three"));
        await("a newer notification", () -> counts.now().equals("1/0"));

        receipts.put(new Receipts.Receipt(roomId, bob, Receipts.READ, "", first, 2));
        assertEquals("1/0", counts.now(), "a public receipt behind the private one neither reads nor rewinds");
    }

    @Test
    void aCountThatChangesAfterItsEventIsSentAsAChange() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        Response before = h.sync(bob, null);
        long seen = h.notifier().mark(bob);
        String event = send(roomId, alice, text("counted beside the timeline"));
        assertTrue(h.notifier().await(bob, seen, Duration.ofSeconds(10)), "bob is woken by the count");
        await("the count", () -> new UnreadCheck(bob, roomId).now().equals("1/0"));

        // This stand-in for /sync has no timeline: the room is in the response for its count alone.
        Response counted = h.sync(bob, before.next());
        assertEquals(1, counted.room(roomId).getJsonObject("unread_notifications").getInt("notification_count"));
        Response quiet = h.sync(bob, counted.next());
        assertNull(quiet.room(roomId));

        h.source(Receipts.class).put(new Receipts.Receipt(roomId, bob, Receipts.READ_PRIVATE, "", event, 1));
        Response read = h.sync(bob, counted.next(), Set.of(), json("{\"room\":{\"ephemeral\":{\"types\":[]}}}"));
        assertEquals(0, read.room(roomId).getJsonObject("unread_notifications").getInt("notification_count"),
                "a count that went to zero is sent too, even with receipts filtered out");
    }

    @Test
    void aRuleOnTheDisplayNameHighlightsOnceTheRulesChanged() throws Exception {
        String alice = user();
        String bob = user();
        String roomId = room(alice, bob);
        h.rooms().sendEvent(new SendEventRequest(roomId, bob, "m.room.member", bob,
                json("{\"membership\":\"join\",\"displayname\":\"Bobby\"}"), "name" + NAMES.incrementAndGet()));
        UnreadCheck counts = new UnreadCheck(bob, roomId);
        send(roomId, alice, text("hey bobby"));
        await("a plain notification", () -> counts.now().equals("1/0"));

        long before = h.source(AccountDataSource.class).position();
        h.addOverrideRule(bob, json("""
                {"rule_id":"name","default":false,"enabled":true,"conditions":[{"kind":"contains_display_name"}],
                 "actions":["notify",{"set_tweak":"highlight"}]}"""));
        await("the rule change is seen", () -> h.source(AccountDataSource.class).position() > before);
        send(roomId, alice, text("hey Bobby!"));
        send(roomId, alice, text("hey Bobbyfoo"));
        await("the display name highlights", () -> counts.now().equals("3/1"));
    }

    /** Reads a user's counts in a room the way a sync response carries them. */
    private final class UnreadCheck {
        private final String userId;
        private final String roomId;

        UnreadCheck(String userId, String roomId) {
            this.userId = userId;
            this.roomId = roomId;
        }

        String now() {
            JsonObject counts = h.sync(userId, null).room(roomId).getJsonObject("unread_notifications");
            return counts.getInt("notification_count") + "/" + counts.getInt("highlight_count");
        }
    }

    @Test
    void presenceIsSeenByThoseWhoShareARoom() throws Exception {
        String alice = user();
        String bob = user();
        String stranger = user();
        room(alice, bob);
        room(stranger);
        Presence presence = h.source(Presence.class);
        Response bobStart = h.sync(bob, null);

        presence.put(alice, "online", "lunch");
        Response change = h.sync(bob, bobStart.next());
        JsonObject event = presenceOf(change, alice);
        assertEquals("m.presence", event.getString("type"));
        assertEquals("online", event.getJsonObject("content").getString("presence"));
        assertEquals("lunch", event.getJsonObject("content").getString("status_msg"));
        assertTrue(event.getJsonObject("content").getBoolean("currently_active"));
        assertNull(presenceOf(h.sync(stranger, null), alice), "no shared room, no presence");
        assertEquals("online", presenceOf(h.sync(bob, null), alice).getJsonObject("content").getString("presence"));

        presence.touch(alice, "unavailable");
        assertEquals("unavailable", presenceOf(h.sync(bob, change.next()), alice).getJsonObject("content")
                .getString("presence"));
        assertEquals("lunch", presence.status(alice).getString("status_msg"));
        long position = presence.position();
        presence.touch(alice, "offline");
        presence.touch(alice, "unavailable");
        assertEquals(position, presence.position(), "no change, no new position");
        assertThrows(MatrixException.class, () -> presence.touch(alice, "away"));

        // As after a restart: who was not offline is loaded, and goes offline unless their client comes back.
        MovingClock clock = new MovingClock();
        presence.touch(bob, (String) null);
        Presence restarted = new Presence(true, h.database(), clock, h.memberships(), h.notifier(), h.bus(),
                Duration.ofMinutes(5));
        assertEquals("unavailable", restarted.status(alice).getString("presence"));
        clock.advance(Duration.ofMinutes(3));
        restarted.touch(bob, (String) null);
        restarted.sweep();
        assertEquals("unavailable", restarted.status(alice).getString("presence"), "not yet");
        clock.advance(Duration.ofMinutes(3));
        long beforeSweep = restarted.position();
        restarted.sweep();
        assertEquals("offline", restarted.status(alice).getString("presence"));
        assertEquals("online", restarted.status(bob).getString("presence"), "bob synced three minutes ago");
        SyncResult result = new SyncResult();
        restarted.collect(new SyncQuery(bob, "DEVICE", false, false, JsonValue.EMPTY_JSON_OBJECT, Set.of(),
                Set.of()), beforeSweep, restarted.position(), result);
        assertEquals("offline", presenceOf(new Response(result.toJson("s"), null), alice).getJsonObject("content")
                .getString("presence"), "going offline is a change others see");
    }

    /** A clock a test moves by hand. */
    private static final class MovingClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    private static JsonObject presenceOf(Response response, String userId) {
        return response.body().getJsonObject("presence").getJsonArray("events").stream().map(JsonValue::asJsonObject)
                .filter(e -> e.getString("sender").equals(userId)).reduce((a, b) -> b).orElse(null);
    }

    @Test
    void presenceOffStoresNothingAndAnswersOffline() throws Exception {
        try (EduHarness off = EduHarness.start(backend(), false)) {
            String alice = user();
            String bob = user();
            String roomId = off.rooms().createRoom(new CreateRoomRequest(alice, "public_chat", null, null, null,
                    null, List.of(), List.of(), null, null, null, false)).roomId();
            off.rooms().changeMembership(new MembershipRequest(roomId, bob, bob, "join", null));
            Presence presence = off.source(Presence.class);
            presence.put(alice, "online", "here");
            presence.touch(alice, (String) null);
            assertEquals(0, presence.position());
            assertEquals(json("{\"presence\":\"offline\"}"), presence.status(alice));
            assertTrue(off.sync(bob, null).body().getJsonObject("presence").getJsonArray("events").isEmpty());
            long rows = off.database().client().execute().get("SELECT COUNT(*) AS n FROM sync_presence")
                    .map(r -> ((Number) r.column("n").get()).longValue()).orElseThrow();
            assertEquals(0, rows);
            assertThrows(MatrixException.class, () -> presence.touch(alice, "away"));
        }
    }
}
