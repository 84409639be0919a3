package io.myelin.roomserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.AliasRequest;
import io.myelin.api.roomserver.CreateAliasRequest;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.ForgetRequest;
import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InputRequest;
import io.myelin.api.roomserver.InputResponse;
import io.myelin.api.roomserver.InputRoomEvent;
import io.myelin.api.roomserver.InviteRequest;
import io.myelin.api.roomserver.MembershipRequest;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.PurgeRoomRequest;
import io.myelin.api.roomserver.RedactRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.RoomsRequest;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateEntry;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.api.roomserver.UpgradeRoomRequest;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.auth.AuthEventsSelector;
import io.myelin.protocol.auth.StateKey;
import io.myelin.protocol.crypto.ServerKey;
import io.myelin.protocol.crypto.SigningKey;
import io.myelin.protocol.event.EventHashes;
import io.myelin.protocol.event.EventIds;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.event.PduCheck;
import io.myelin.protocol.event.PduValidator;
import io.myelin.protocol.json.UnpaddedBase64;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The roomserver's behaviour, on one database; subclasses choose it.
 */
abstract class RoomserverContract {

    static final String ALICE = "@alice:test.local";
    static final String BOB = "@bob:test.local";
    static final String MALLORY = "@mallory:elsewhere.example";
    private static final SigningKey REMOTE_KEY = SigningKey.generate();
    /** A well-formed event id of an event no server sent. */
    private static final String NEVER_SEEN = "$" + "n".repeat(43);

    static Harness harness;

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }

    RoomserverApi api() {
        return harness.api();
    }

    @Test
    void createdRoomHasTheExpectedStateInVersion12() {
        CreateRoomRequest request = new CreateRoomRequest(ALICE, "public_chat", null, "Lobby", "Say hello", null,
                List.of(BOB), List.of(), null, null, null, false);
        String roomId = api().createRoom(request).roomId();

        assertFalse(roomId.contains(":"), "a v12 room id has no server part: " + roomId);
        Map<StateKey, RoomEvent> state = state(roomId);
        assertEquals("12", state.get(StateKey.CREATE).json().getJsonObject("content").getString("room_version"));
        assertEquals("join", content(state, "m.room.member", ALICE).getString("membership"));
        assertEquals("invite", content(state, "m.room.member", BOB).getString("membership"));
        assertEquals("public", content(state, "m.room.join_rules", "").getString("join_rule"));
        assertEquals("shared", content(state, "m.room.history_visibility", "").getString("history_visibility"));
        assertEquals("Lobby", content(state, "m.room.name", "").getString("name"));
        assertEquals("Say hello", content(state, "m.room.topic", "").getString("topic"));
        assertFalse(content(state, "m.room.power_levels", "").getJsonObject("users").containsKey(ALICE),
                "v12 creators are not listed in power levels");
        assertEquals(List.of(ALICE), api().joined(new RoomRequest(roomId)).users());
        assertEquals(1, api().latestEvents(new RoomRequest(roomId)).eventIds().size());
        assertEquals("invite", api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships()
                .getFirst().membership());
    }

    @Test
    void identicalCreatesInTheSameMillisecondMakeSeparateRooms() throws Exception {
        CreateRoomRequest request = new CreateRoomRequest(ALICE, "private_chat", null, "Same", null, null,
                List.of(BOB), List.of(), null, null, null, false);
        int creates = 6;
        List<String> roomIds = new ArrayList<>();
        Harness.CLOCK.stopAt(java.time.Instant.now());
        try (ExecutorService pool = Executors.newFixedThreadPool(creates)) {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < creates; i++) {
                done.add(pool.submit(() -> api().createRoom(request).roomId()));
            }
            for (Future<String> f : done) {
                roomIds.add(f.get());
            }
            // A later create with the same body, once the others exist, gets a room of its own too.
            roomIds.add(api().createRoom(request).roomId());
        } finally {
            Harness.CLOCK.stopAt(null);
        }

        assertEquals(creates + 1, new HashSet<>(roomIds).size(), "room ids: " + roomIds);
        for (String roomId : roomIds) {
            // Each room holds exactly one create event, one name event and its own pair of memberships.
            long members = api().state(StateRequest.current(roomId)).events().stream()
                    .filter(e -> e.json().getString("type").equals("m.room.member")).count();
            assertEquals(2, members, roomId);
            assertEquals(1, api().latestEvents(new RoomRequest(roomId)).eventIds().size(), roomId);
            assertEquals(roomId, "!" + state(roomId).get(StateKey.CREATE).eventId().substring(1));
        }
    }

    @Test
    void createdRoomInVersion10HasAServerPartAndListsTheCreator() {
        CreateRoomRequest request = new CreateRoomRequest(ALICE, "private_chat", null, null, null, null, List.of(),
                List.of(), null, null, "10", false);
        String roomId = api().createRoom(request).roomId();

        assertTrue(roomId.endsWith(":test.local"), roomId);
        Map<StateKey, RoomEvent> state = state(roomId);
        assertEquals(ALICE, content(state, "m.room.create", "").getString("creator"));
        assertEquals(100, content(state, "m.room.power_levels", "").getJsonObject("users").getInt(ALICE));
        assertEquals("invite", content(state, "m.room.join_rules", "").getString("join_rule"));
        assertEquals("10", api().roomInfo(new RoomRequest(roomId)).roomVersion());

        // Events of a v10 room cite the create event among their auth events.
        api().changeMembership(new MembershipRequest(roomId, ALICE, BOB, "invite", null));
        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        String message = api().sendEvent(new SendEventRequest(roomId, BOB, "m.room.message", null,
                Json.createObjectBuilder().add("body", "hello").build(), null)).eventId();
        assertTrue(api().event(new EventRequest(message)).event().json().getJsonArray("auth_events").stream()
                .anyMatch(id -> ((jakarta.json.JsonString) id).getString()
                        .equals(state.get(StateKey.CREATE).eventId())));
        assertEquals(List.of(ALICE, BOB), api().joined(new RoomRequest(roomId)).users());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void roomWithServerChosenEventIdsTakesJoinsMessagesStateAndRedactions(String version) throws Exception {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, "Vintage", null, null,
                List.of(), List.of(), null, null, version, false)).roomId();
        assertEquals(version, api().roomInfo(new RoomRequest(roomId)).roomVersion());
        assertEquals(version, content(state(roomId), "m.room.create", "").getString("room_version"));

        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        String message = api().sendEvent(new SendEventRequest(roomId, BOB, "m.room.message", null,
                Json.createObjectBuilder().add("body", "hello").build(), null)).eventId();
        api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "old times").build(), null));
        assertEquals("old times", content(state(roomId), "m.room.topic", "").getString("topic"));
        assertEquals(List.of(ALICE, BOB), api().joined(new RoomRequest(roomId)).users());

        // Sends queued together are hashed ahead as a run, each citing the one before it.
        Set<String> sent = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        sent.add(api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                                Json.createObjectBuilder().add("body", "run " + i).build(), null)).eventId());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(20, sent.size());

        // Every event of the room is one that other servers accept: its own id, the reference hashes of the
        // events it cites, and this server's signature over all of it.
        RoomVersion v = RoomVersion.of(version).orElseThrow();
        Set<String> checked = new HashSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(api().latestEvents(new RoomRequest(roomId))
                .eventIds());
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (!checked.add(id)) {
                continue;
            }
            JsonObject json = api().event(new EventRequest(id)).event().json();
            assertEquals(id, json.getString("event_id"));
            assertTrue(id.endsWith(":" + Harness.SERVER_NAME), id);
            PduCheck check = PduValidator.check(v, json, (server, keyId) -> server.equals(Harness.SERVER_NAME)
                    && keyId.equals(harness.key().keyId())
                    ? java.util.Optional.of(new ServerKey(harness.key().verifyKey(), Long.MAX_VALUE))
                    : java.util.Optional.empty());
            assertEquals(PduCheck.Outcome.ACCEPT, check.outcome(), id + ": " + check.reason());
            for (String key : List.of("prev_events", "auth_events")) {
                for (JsonValue reference : json.getJsonArray(key)) {
                    String cited = reference.asJsonArray().getString(0);
                    JsonObject citedJson = api().event(new EventRequest(cited)).event().json();
                    assertEquals(UnpaddedBase64.encode(EventHashes.referenceHash(citedJson, v)),
                            reference.asJsonArray().getJsonObject(1).getString("sha256"), id + " cites " + cited);
                    todo.push(cited);
                }
            }
        }
        assertTrue(checked.containsAll(sent));
        assertTrue(checked.contains(message));

        String redaction = api().redact(new RedactRequest(roomId, ALICE, message, "spam", null)).eventId();
        RoomEvent redacted = api().event(new EventRequest(message)).event();
        assertEquals(redaction, redacted.redactedBy());
        assertTrue(redacted.json().getJsonObject("content").isEmpty());
        assertEquals(message, api().event(new EventRequest(redaction)).event().json().getString("redacts"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void roomCanBeUpgradedToAVersionWithServerChosenEventIds(String version) {
        String oldRoom = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, "Before", null, null,
                List.of(), List.of(), null, null, "10", false)).roomId();

        String newRoom = api().upgradeRoom(new UpgradeRoomRequest(oldRoom, ALICE, version)).replacementRoom();

        Map<StateKey, RoomEvent> replacement = state(newRoom);
        assertEquals(version, content(replacement, "m.room.create", "").getString("room_version"));
        assertEquals(oldRoom, content(replacement, "m.room.create", "").getJsonObject("predecessor")
                .getString("room_id"));
        assertEquals("Before", content(replacement, "m.room.name", "").getString("name"));
        api().changeMembership(new MembershipRequest(newRoom, BOB, null, "join", null));
        assertEquals(List.of(ALICE, BOB), api().joined(new RoomRequest(newRoom)).users());
    }

    @Test
    void stateEventFromANonMemberIsStoredAsRejected() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        Pdu topic = remote(roomId, RoomVersion.V12, MALLORY, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "taken over").build(), 0);

        InputOutcome outcome = input(topic, InputKind.NEW);

        assertEquals(InputOutcome.REJECTED, outcome.status());
        RoomEvent stored = api().event(new EventRequest(topic.eventId())).event();
        assertTrue(stored.rejected());
        assertNull(state(roomId).get(new StateKey("m.room.topic", "")));
        assertFalse(api().latestEvents(new RoomRequest(roomId)).eventIds().contains(topic.eventId()));
    }

    @Test
    void roomsAreListedInPagesInAscendingOrder() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(api().createRoom(CreateRoomRequest.simple(ALICE)).roomId());
        }
        List<String> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = api().rooms(new RoomsRequest(after, 2)).roomIds();
            assertTrue(page.size() <= 2);
            all.addAll(page);
            if (page.size() < 2) {
                break;
            }
            after = page.getLast();
        }
        assertTrue(all.containsAll(created), all.toString());
        assertEquals(all.stream().sorted().distinct().toList(), all);
        assertEquals(List.of(), api().rooms(new RoomsRequest(all.getLast(), 10)).roomIds());
    }

    @Test
    void localMessageFromANonMemberIsRefused() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        MatrixException e = assertThrows(MatrixException.class, () -> api().sendEvent(new SendEventRequest(roomId,
                BOB, "m.room.message", null, Json.createObjectBuilder().add("body", "hi").build(), null)));
        assertEquals("M_FORBIDDEN", e.code().name());
    }

    @Test
    void remoteUsersCannotSendThroughThisServer() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        assertThrows(MatrixException.class, () -> api().sendEvent(new SendEventRequest(roomId, MALLORY,
                "m.room.message", null, Json.createObjectBuilder().add("body", "hi").build(), null)));
        assertThrows(MatrixException.class, () -> api().createRoom(CreateRoomRequest.simple(MALLORY)));
    }

    @Test
    void concurrentSendsToOneRoomFormOneLinearGraph() throws Exception {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        int threads = 8;
        int each = 25;
        Set<String> sent = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        sent.add(api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                                Json.createObjectBuilder().add("body", thread + "/" + i).build(), null)).eventId());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(threads * each, sent.size());

        // Walk back from the single extremity: every message names exactly one previous event.
        List<String> latest = api().latestEvents(new RoomRequest(roomId)).eventIds();
        assertEquals(1, latest.size());
        String at = latest.getFirst();
        long depth = Long.MAX_VALUE;
        Set<String> walked = new HashSet<>();
        while (sent.contains(at)) {
            JsonObject json = api().event(new EventRequest(at)).event().json();
            assertTrue(json.getJsonNumber("depth").longValue() < depth);
            depth = json.getJsonNumber("depth").longValue();
            assertEquals(1, json.getJsonArray("prev_events").size());
            walked.add(at);
            at = json.getJsonArray("prev_events").getString(0);
        }
        assertEquals(sent, walked);
    }

    @Test
    void sendsQueuedTogetherEachGetTheirOwnAnswer() throws Exception {
        // Many sends at once reach the room's queue together: messages, topic changes, a sender the rules refuse,
        // and the same transaction id from several callers. Each must be answered as if it had been sent alone.
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        int threads = 16;
        int each = 12;
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> topics = ConcurrentHashMap.newKeySet();
        Map<String, Set<String>> byTxn = new ConcurrentHashMap<>();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        int kind = (thread + i) % 4;
                        if (kind == 0) {
                            // Bob never joined: refused, without holding up the others.
                            try {
                                api().sendEvent(new SendEventRequest(roomId, BOB, "m.room.message", null,
                                        Json.createObjectBuilder().add("body", "no").build(), null));
                                unexpected.add("bob's message was accepted");
                            } catch (MatrixException e) {
                                if (!e.code().name().equals("M_FORBIDDEN")) {
                                    unexpected.add(e.code().name());
                                }
                            }
                        } else if (kind == 1) {
                            String id = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.topic", "",
                                    Json.createObjectBuilder().add("topic", thread + "/" + i).build(), null))
                                    .eventId();
                            sent.add(id);
                            topics.add(id);
                        } else if (kind == 2) {
                            String txn = "txn" + i;
                            String id = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                                    Json.createObjectBuilder().add("body", txn).build(), txn)).eventId();
                            byTxn.computeIfAbsent(txn, k -> ConcurrentHashMap.newKeySet()).add(id);
                            sent.add(id);
                        } else {
                            sent.add(api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                                    Json.createObjectBuilder().add("body", thread + "/" + i).build(), null))
                                    .eventId());
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(List.of(), unexpected);
        byTxn.forEach((txn, ids) -> assertEquals(1, ids.size(), txn + " was sent as " + ids));

        // One linear graph holding every accepted event once, and the current topic is the last one in it.
        List<String> latest = api().latestEvents(new RoomRequest(roomId)).eventIds();
        assertEquals(1, latest.size());
        String at = latest.getFirst();
        Set<String> walked = new HashSet<>();
        String lastTopic = null;
        while (sent.contains(at)) {
            JsonObject json = api().event(new EventRequest(at)).event().json();
            assertEquals(1, json.getJsonArray("prev_events").size());
            assertTrue(walked.add(at));
            if (lastTopic == null && topics.contains(at)) {
                lastTopic = at;
            }
            at = json.getJsonArray("prev_events").getString(0);
        }
        assertEquals(sent, walked);
        assertNotNull(lastTopic);
        String currentTopic = lastTopic;
        assertTrue(api().state(StateRequest.current(roomId)).events().stream()
                .anyMatch(e -> e.eventId().equals(currentTopic)));
    }

    @Test
    void conflictingTopicsResolveToTheLaterOne() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        // Both name the same previous event: a fork, whose two sides the current state must resolve.
        List<Pdu> fork = topicFork(roomId);
        Pdu first = fork.get(0);
        Pdu second = fork.get(1);

        assertEquals(2, api().latestEvents(new RoomRequest(roomId)).eventIds().size());
        assertEquals("second", content(state(roomId), "m.room.topic", "").getString("topic"));

        // A local event merges the fork and keeps the resolved state.
        String merge = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "merged").build(), null)).eventId();
        assertEquals(List.of(merge), api().latestEvents(new RoomRequest(roomId)).eventIds());
        assertEquals(2, api().event(new EventRequest(merge)).event().json().getJsonArray("prev_events").size());
        assertEquals("second", content(state(roomId), "m.room.topic", "").getString("topic"));
    }

    @Test
    void demotionOnOneSideOfAForkUndoesWhatTheDemotedUserDidOnTheOther() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, "original", null,
                List.of(), List.of(), null, null, null, false)).roomId();
        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        JsonObject levels = content(state(roomId), "m.room.power_levels", "");
        api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.power_levels", "", Json.createObjectBuilder(levels)
                .add("users", Json.createObjectBuilder().add(BOB, 50)).build(), null));

        // Both sides of the fork name the same previous event.
        Pdu demotion = remote(roomId, RoomVersion.V12, ALICE, "m.room.power_levels", "",
                Json.createObjectBuilder(levels).add("users", Json.createObjectBuilder()).build(), 0);
        Pdu topic = remote(roomId, RoomVersion.V12, BOB, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "Bob's").build(), 0);
        assertEquals(InputOutcome.ACCEPTED, input(topic, InputKind.NEW).status());
        assertEquals("Bob's", content(state(roomId), "m.room.topic", "").getString("topic"));
        assertEquals(InputOutcome.ACCEPTED, input(demotion, InputKind.NEW).status());

        // Power events resolve first; Bob's topic then fails against the resolved power levels.
        Map<StateKey, RoomEvent> resolved = state(roomId);
        assertEquals(demotion.eventId(), resolved.get(StateKey.POWER_LEVELS).eventId());
        assertEquals("original", content(resolved, "m.room.topic", "").getString("topic"));
    }

    @Test
    void replayingAnInputChangesNothing() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        Pdu topic = remote(roomId, RoomVersion.V12, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "once").build(), 0);

        assertEquals(InputOutcome.ACCEPTED, input(topic, InputKind.NEW).status());
        List<String> latest = api().latestEvents(new RoomRequest(roomId)).eventIds();
        assertEquals(InputOutcome.ACCEPTED, input(topic, InputKind.NEW).status());

        assertEquals(latest, api().latestEvents(new RoomRequest(roomId)).eventIds());
        assertEquals(List.of(topic.eventId()), latest);
    }

    @Test
    void aBadEventDoesNotBlockItsRoom() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        JsonObject orphan = Pdu.signNew(RoomVersion.V12, Json.createObjectBuilder()
                .add("room_id", roomId).add("sender", ALICE).add("type", "m.room.message")
                .add("content", Json.createObjectBuilder().add("body", "lost"))
                .add("prev_events", Json.createArrayBuilder().add(NEVER_SEEN))
                .add("auth_events", Json.createArrayBuilder()).add("depth", 5)
                .add("origin_server_ts", 1).build(), "elsewhere.example", REMOTE_KEY).json();

        InputOutcome outcome = api().input(new InputRequest(List.of(
                new InputRoomEvent(InputKind.NEW, null, orphan, "elsewhere.example", null)), false)).outcomes()
                .getFirst();

        assertEquals(InputOutcome.INVALID, outcome.status());
        assertNotNull(api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "still here").build(), null)).eventId());
    }

    @Test
    void anUnparseableEventDoesNotBlockItsRoom() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        JsonObject garbage = Json.createObjectBuilder().add("room_id", roomId).add("type", 7)
                .add("prev_events", "none").add("content", "not an object").build();

        InputOutcome outcome = api().input(new InputRequest(List.of(
                new InputRoomEvent(InputKind.NEW, null, garbage, "elsewhere.example", null)), false)).outcomes()
                .getFirst();

        assertEquals(InputOutcome.INVALID, outcome.status());
        Pdu next = remote(roomId, RoomVersion.V12, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "after the garbage").build(), 0);
        assertEquals(InputOutcome.ACCEPTED, input(next, InputKind.NEW).status());
        assertEquals(List.of(next.eventId()), api().latestEvents(new RoomRequest(roomId)).eventIds());
    }

    @Test
    void asynchronousInputAnswersAtOnceAndIsHandledInOrder() throws Exception {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        Pdu first = remote(roomId, RoomVersion.V12, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "one").build(), 0);
        // The second names the first as its previous event, so it can only be accepted after it.
        Pdu second = Pdu.signNew(RoomVersion.V12, Json.createObjectBuilder(first.json()).remove("hashes")
                .remove("signatures").remove("unsigned")
                .add("content", Json.createObjectBuilder().add("body", "two"))
                .add("prev_events", Json.createArrayBuilder().add(first.eventId()))
                .add("depth", first.json().getJsonNumber("depth").longValue() + 1).build(),
                "elsewhere.example", REMOTE_KEY);

        InputResponse queued = api().input(new InputRequest(List.of(
                new InputRoomEvent(InputKind.NEW, null, first.json(), "elsewhere.example", null),
                new InputRoomEvent(InputKind.NEW, null, second.json(), "elsewhere.example", null)), true));

        assertTrue(queued.outcomes().isEmpty(), "an asynchronous request answers once queued");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!List.of(second.eventId()).equals(api().latestEvents(new RoomRequest(roomId)).eventIds())) {
            assertTrue(System.nanoTime() < deadline, "the queued events were never handled");
            Thread.sleep(10);
        }
        assertNotNull(api().event(new EventRequest(first.eventId())).event());
    }

    @Test
    void remoteEventWhoseContentHashDoesNotMatchIsStoredRedacted() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        Pdu message = remote(roomId, RoomVersion.V12, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "as signed").build(), 0);
        // The content changed on the way: the hashes and signatures still cover the original.
        JsonObject forged = Json.createObjectBuilder(message.json())
                .add("content", Json.createObjectBuilder().add("body", "forged")).build();

        InputOutcome outcome = api().input(new InputRequest(List.of(
                new InputRoomEvent(InputKind.NEW, null, forged, "elsewhere.example", null)), false)).outcomes()
                .getFirst();

        assertEquals(InputOutcome.ACCEPTED, outcome.status());
        assertEquals(message.eventId(), outcome.eventId());
        RoomEvent stored = api().event(new EventRequest(message.eventId())).event();
        assertTrue(stored.json().getJsonObject("content").isEmpty(), stored.json().toString());
        assertEquals(List.of(message.eventId()), api().latestEvents(new RoomRequest(roomId)).eventIds());
    }

    @Test
    void remoteEventOverTheSizeLimitIsRejectedAndDoesNotBlockItsRoom() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        List<String> latest = api().latestEvents(new RoomRequest(roomId)).eventIds();
        Pdu big = remote(roomId, RoomVersion.V12, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "x".repeat(70_000)).build(), 0);

        InputOutcome outcome = input(big, InputKind.NEW);

        assertEquals(InputOutcome.REJECTED, outcome.status());
        assertTrue(outcome.reason().contains("65536"), outcome.reason());
        assertTrue(api().event(new EventRequest(big.eventId())).event().rejected());
        assertEquals(latest, api().latestEvents(new RoomRequest(roomId)).eventIds());
        String next = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "still here").build(), null)).eventId();
        assertEquals(List.of(next), api().latestEvents(new RoomRequest(roomId)).eventIds());
    }

    @Test
    void aRejectedOrInvalidFirstEventLeavesNoRoomBehind() {
        // Version 10: a create event whose room id names another server than its sender's is rejected.
        String roomId = "!stray:other.example";
        JsonObject create = Pdu.signNew(RoomVersion.V10, Json.createObjectBuilder()
                .add("room_id", roomId).add("sender", MALLORY).add("type", "m.room.create").add("state_key", "")
                .add("content", Json.createObjectBuilder().add("creator", MALLORY).add("room_version", "10"))
                .add("prev_events", Json.createArrayBuilder()).add("auth_events", Json.createArrayBuilder())
                .add("depth", 1).add("origin_server_ts", 1).build(), "elsewhere.example", REMOTE_KEY).json();
        long rooms = harness.rows("roomserver_rooms");

        InputOutcome rejected = api().input(new InputRequest(List.of(
                new InputRoomEvent(InputKind.NEW, null, create, "elsewhere.example", null)), false)).outcomes()
                .getFirst();

        assertEquals(InputOutcome.REJECTED, rejected.status());
        assertFalse(api().roomInfo(new RoomRequest(roomId)).known());
        assertEquals(rooms, harness.rows("roomserver_rooms"));

        // An event of a room unknown here whose auth events are missing is invalid: no room either.
        JsonObject orphan = Pdu.signNew(RoomVersion.V10, Json.createObjectBuilder()
                .add("room_id", "!elsewhere:other.example").add("sender", MALLORY).add("type", "m.room.message")
                .add("content", Json.createObjectBuilder().add("body", "hello"))
                .add("prev_events", Json.createArrayBuilder().add(NEVER_SEEN))
                .add("auth_events", Json.createArrayBuilder().add(NEVER_SEEN))
                .add("depth", 5).add("origin_server_ts", 1).build(), "elsewhere.example", REMOTE_KEY).json();
        InputOutcome invalid = api().input(new InputRequest(List.of(
                new InputRoomEvent(InputKind.NEW, "10", orphan, "elsewhere.example", null)), false)).outcomes()
                .getFirst();

        assertEquals(InputOutcome.INVALID, invalid.status());
        assertFalse(api().roomInfo(new RoomRequest("!elsewhere:other.example")).known());
        assertEquals(rooms, harness.rows("roomserver_rooms"));

        // A valid create afterwards makes its room.
        String created = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        assertTrue(api().roomInfo(new RoomRequest(created)).known());
        assertEquals(rooms + 1, harness.rows("roomserver_rooms"));
    }

    @Test
    void membershipChangesFollowTheRules() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, null, null,
                List.of(), List.of(), null, null, null, false)).roomId();

        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        assertEquals(List.of(ALICE, BOB), api().joined(new RoomRequest(roomId)).users());

        api().changeMembership(new MembershipRequest(roomId, ALICE, BOB, "ban", "spam"));
        assertEquals("ban", api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships()
                .getFirst().membership());
        assertThrows(MatrixException.class,
                () -> api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null)));

        api().changeMembership(new MembershipRequest(roomId, ALICE, BOB, "unban", null));
        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        api().changeMembership(new MembershipRequest(roomId, ALICE, BOB, "kick", null));
        assertEquals(List.of(ALICE), api().joined(new RoomRequest(roomId)).users());
        api().changeMembership(new MembershipRequest(roomId, ALICE, BOB, "invite", null));
        assertEquals("invite", api().memberships(new MembershipsRequest(null, BOB, "invite")).memberships()
                .stream().filter(m -> m.roomId().equals(roomId)).findFirst().orElseThrow().membership());
    }

    @Test
    void upgradeMovesTheStateToAReplacementAndClosesTheOldRoom() {
        String oldRoom = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, "Old", "kept", null,
                List.of(), List.of(), null, null, "10", false)).roomId();
        api().changeMembership(new MembershipRequest(oldRoom, BOB, null, "join", null));
        assertThrows(MatrixException.class,
                () -> api().upgradeRoom(new UpgradeRoomRequest(oldRoom, BOB, "12")), "Bob may not upgrade");

        String newRoom = api().upgradeRoom(new UpgradeRoomRequest(oldRoom, ALICE, "12")).replacementRoom();

        Map<StateKey, RoomEvent> replacement = state(newRoom);
        assertEquals(oldRoom, content(replacement, "m.room.create", "").getJsonObject("predecessor")
                .getString("room_id"));
        assertEquals("Old", content(replacement, "m.room.name", "").getString("name"));
        assertEquals("kept", content(replacement, "m.room.topic", "").getString("topic"));
        assertEquals("public", content(replacement, "m.room.join_rules", "").getString("join_rule"));
        assertFalse(content(replacement, "m.room.power_levels", "").getJsonObject("users").containsKey(ALICE));
        assertEquals(List.of(ALICE), api().joined(new RoomRequest(newRoom)).users());

        Map<StateKey, RoomEvent> closed = state(oldRoom);
        assertEquals(newRoom, content(closed, "m.room.tombstone", "").getString("replacement_room"));
        assertThrows(MatrixException.class, () -> api().sendEvent(new SendEventRequest(oldRoom, BOB,
                "m.room.message", null, Json.createObjectBuilder().add("body", "still here?").build(), null)));

        api().changeMembership(new MembershipRequest(newRoom, BOB, null, "join", null));
        assertNotNull(api().sendEvent(new SendEventRequest(newRoom, BOB, "m.room.message", null,
                Json.createObjectBuilder().add("body", "moved").build(), null)).eventId());
    }

    @Test
    void upgradeMovesTheLocalAliasesAndTheCanonicalAlias() {
        String main = "#moving-" + System.nanoTime() + ":" + Harness.SERVER_NAME;
        String other = "#also-" + System.nanoTime() + ":" + Harness.SERVER_NAME;
        String stale = "#deleted-" + System.nanoTime() + ":" + Harness.SERVER_NAME;
        String remote = "#theirs:elsewhere.example";
        String oldRoom = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, null,
                main.substring(1, main.indexOf(':')), List.of(), List.of(), null, null, "10", false)).roomId();
        assertTrue(api().createAlias(new CreateAliasRequest(other, oldRoom, ALICE)));
        api().sendEvent(new SendEventRequest(oldRoom, ALICE, "m.room.canonical_alias", "", Json.createObjectBuilder()
                .add("alias", main).add("alt_aliases", Json.createArrayBuilder().add(other).add(stale).add(remote))
                .build(), null));

        String newRoom = api().upgradeRoom(new UpgradeRoomRequest(oldRoom, ALICE, "11")).replacementRoom();

        // The directory names the replacement; a local alias it does not hold stays behind in the old event.
        assertEquals(newRoom, api().resolveAlias(new AliasRequest(main)).roomId());
        assertEquals(newRoom, api().resolveAlias(new AliasRequest(other)).roomId());
        assertEquals(List.of(), api().roomAliases(new RoomRequest(oldRoom)).aliases());
        assertEquals(java.util.stream.Stream.of(main, other).sorted().toList(),
                api().roomAliases(new RoomRequest(newRoom)).aliases());
        assertEquals(Json.createObjectBuilder().add("alias", main)
                .add("alt_aliases", Json.createArrayBuilder().add(other).add(remote)).build(),
                content(state(newRoom), "m.room.canonical_alias", ""));
        assertEquals(Json.createObjectBuilder().add("alt_aliases", Json.createArrayBuilder().add(stale)).build(),
                content(state(oldRoom), "m.room.canonical_alias", ""));
        assertNotNull(state(oldRoom).get(new StateKey("m.room.tombstone", "")));
    }

    @Test
    void upgradeOfARoomWithoutAliasesSendsNoCanonicalAlias() {
        String oldRoom = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();

        String newRoom = api().upgradeRoom(new UpgradeRoomRequest(oldRoom, ALICE, "12")).replacementRoom();

        assertNull(state(newRoom).get(new StateKey("m.room.canonical_alias", "")));
        assertNull(state(oldRoom).get(new StateKey("m.room.canonical_alias", "")));
        assertEquals(List.of(), api().roomAliases(new RoomRequest(newRoom)).aliases());
    }

    @Test
    void roomCanBeForgottenOnlyAfterLeaving() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, null, null,
                List.of(), List.of(), null, null, null, false)).roomId();
        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        assertThrows(MatrixException.class, () -> api().forget(new ForgetRequest(roomId, BOB)));

        api().changeMembership(new MembershipRequest(roomId, BOB, null, "leave", null));
        api().forget(new ForgetRequest(roomId, BOB));
        assertTrue(api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships().getFirst().forgotten());

        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        assertFalse(api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships().getFirst()
                .forgotten());
    }

    @Test
    void redactionStripsTheEventAndTransactionIdsAreNotSentTwice() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        SendEventRequest send = new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "oops").build(), "txn1");
        String eventId = api().sendEvent(send).eventId();
        assertEquals(eventId, api().sendEvent(send).eventId());

        String redaction = api().redact(new RedactRequest(roomId, ALICE, eventId, "typo", null)).eventId();

        RoomEvent redacted = api().event(new EventRequest(eventId)).event();
        assertEquals(redaction, redacted.redactedBy());
        assertTrue(redacted.json().getJsonObject("content").isEmpty());
    }

    @Test
    void authChainShowsRedactedEventsRedacted() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, null, null,
                List.of(), List.of(), null, null, null, false)).roomId();
        String join = api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null, "Bobby",
                null)).eventId();
        String message = api().sendEvent(new SendEventRequest(roomId, BOB, "m.room.message", null,
                Json.createObjectBuilder().add("body", "hi").build(), null)).eventId();
        assertEquals("Bobby", authChainEvent(message, join).getJsonObject("content").getString("displayname"));

        api().redact(new RedactRequest(roomId, ALICE, join, null, null));

        JsonObject redacted = authChainEvent(message, join);
        assertEquals(Json.createObjectBuilder().add("membership", "join").build(), redacted.getJsonObject("content"));
        assertEquals(api().event(new EventRequest(join)).event().json(), redacted);
    }

    /** An event of another's auth chain; its id is the reference hash, which redaction does not change. */
    private JsonObject authChainEvent(String of, String eventId) {
        RoomVersion version = RoomVersion.of(api().event(new EventRequest(of)).event().roomVersion()).orElseThrow();
        return api().authChain(new io.myelin.api.roomserver.AuthChainRequest(List.of(of))).events().stream()
                .filter(e -> EventIds.eventId(e, version).equals(eventId)).findFirst()
                .orElseThrow(() -> new AssertionError(eventId + " is not in the auth chain of " + of));
    }

    @Test
    void stateSurvivesARestart() throws Exception {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, null, null, "Kept", null, null, List.of(),
                List.of(), null, null, null, false)).roomId();
        String message = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "before").build(), null)).eventId();
        Map<StateKey, RoomEvent> before = state(roomId);

        harness.restart();

        assertEquals(before.keySet(), state(roomId).keySet());
        assertEquals(List.of(message), api().latestEvents(new RoomRequest(roomId)).eventIds());
        assertEquals("Kept", content(state(roomId), "m.room.name", "").getString("name"));
        String after = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "after").build(), null)).eventId();
        assertNotEquals(message, after);
        assertEquals(List.of(message), api().event(new EventRequest(after)).event().json()
                .getJsonArray("prev_events").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList());
    }

    @Test
    void stateCanBeReadByKeyAndAfterAnEvent() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, null, null, "One", null, null, List.of(),
                List.of(), null, null, null, false)).roomId();
        String firstName = state(roomId).get(new StateKey("m.room.name", "")).eventId();
        api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.name", "",
                Json.createObjectBuilder().add("name", "Two").build(), null));

        var byKey = api().state(new StateRequest(roomId, null, false, List.of(new StateTuple("m.room.name", ""))));
        assertEquals(1, byKey.events().size());
        assertEquals("Two", byKey.events().getFirst().json().getJsonObject("content").getString("name"));
        var then = api().state(new StateRequest(roomId, firstName, false, List.of(new StateTuple("m.room.name", ""))));
        assertEquals("One", then.events().getFirst().json().getJsonObject("content").getString("name"));
        assertFalse(api().authChain(new io.myelin.api.roomserver.AuthChainRequest(List.of(firstName))).events()
                .isEmpty());
    }

    @Test
    void stateCanBeReadBeforeAnEventAndAsIds() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, null, null, "One", null, null, List.of(BOB),
                List.of(), null, null, null, false)).roomId();
        String firstName = state(roomId).get(new StateKey("m.room.name", "")).eventId();
        String secondName = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.name", "",
                Json.createObjectBuilder().add("name", "Two").build(), null)).eventId();
        List<StateTuple> name = List.of(new StateTuple("m.room.name", ""));

        // The state a state event was authorised against does not hold the event itself; the state after it does.
        assertEquals(List.of(firstName), ids(api().state(new StateRequest(roomId, secondName, true, name))));
        assertEquals(List.of(secondName), ids(api().state(new StateRequest(roomId, secondName, false, name))));
        var before = api().stateIds(new StateRequest(roomId, secondName, true, List.of()));
        var after = api().stateIds(new StateRequest(roomId, secondName, false, List.of()));
        assertTrue(before.known());
        assertEquals("12", before.roomVersion());
        assertTrue(before.entries().contains(new StateEntry("m.room.name", "", firstName)));
        assertTrue(after.entries().contains(new StateEntry("m.room.name", "", secondName)));
        assertEquals(before.entries().size(), after.entries().size());
        Set<String> created = new HashSet<>(ids(api().state(new StateRequest(roomId, null, false, List.of()))));
        created.remove(secondName);
        created.add(firstName);
        assertEquals(created, new HashSet<>(before.entries().stream().map(StateEntry::eventId).toList()));

        // Nothing came before the create event.
        String create = state(roomId).get(StateKey.CREATE).eventId();
        var first = api().stateIds(new StateRequest(roomId, create, true, List.of()));
        assertTrue(first.known());
        assertEquals(List.of(), first.entries());

        var unknown = api().stateIds(new StateRequest(roomId, "$unknown", true, List.of()));
        assertFalse(unknown.known());
        assertEquals(List.of(), unknown.entries());
    }

    @Test
    void theMigrationWorksOutTheStateBeforeAsInputStoresIt() throws Exception {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, "Old", null, null,
                List.of(), List.of(), null, null, null, false)).roomId();
        api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "hello").build(), null));
        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        input(remote(roomId, RoomVersion.V12, MALLORY, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "taken over").build(), 0), InputKind.NEW);
        String room = "room_nid = (SELECT room_nid FROM roomserver_rooms WHERE room_id = '" + roomId + "')";
        String select = "SELECT event_nid AS k, state_before_nid AS v FROM roomserver_events WHERE " + room;
        Map<Long, Long> stored = harness.pairs(select);

        // As for rows stored before the column existed: the migration's updates fill it again.
        harness.dml("UPDATE roomserver_events SET state_before_nid = NULL WHERE " + room);
        String script;
        try (var in = RoomserverComponent.class.getResourceAsStream(
                "/io/myelin/roomserver/db/sqlite/004-state-before.sql")) {
            script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (String statement : script.replaceAll("(?m)^--.*$", "").split(";")) {
            if (statement.strip().startsWith("UPDATE")) {
                harness.dml(statement.strip());
            }
        }

        // A room without forks: every event's state before is found again, the same as input stored it.
        assertFalse(stored.containsValue(null));
        assertEquals(stored, harness.pairs(select));
    }

    @Test
    void aKeyWithoutAStateKeyReadsEveryStateKeyOfItsType() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, null, null, "Named", null, null, List.of(BOB),
                List.of(), null, null, null, false)).roomId();
        List<StateTuple> keys = List.of(new StateTuple("m.room.member", null), new StateTuple("m.room.name", ""),
                new StateTuple("m.room.member", ALICE));

        var members = api().stateIds(new StateRequest(roomId, null, false, keys)).entries();

        assertEquals(List.of("m.room.member", "m.room.member", "m.room.name"),
                members.stream().map(StateEntry::type).toList());
        assertEquals(List.of(ALICE, BOB, ""), members.stream().map(StateEntry::stateKey).toList());
        assertEquals(3, api().state(new StateRequest(roomId, null, false, keys)).events().size());
    }

    @Test
    void stateBeforeAnEventOnAForkIsTheResolvedState() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        List<Pdu> fork = topicFork(roomId);
        Pdu first = fork.get(0);
        Pdu second = fork.get(1);

        // A state event on both sides of the fork was authorised against their resolution.
        String merge = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.name", "",
                Json.createObjectBuilder().add("name", "merged").build(), null)).eventId();
        assertEquals(2, api().event(new EventRequest(merge)).event().json().getJsonArray("prev_events").size());

        var before = api().stateIds(new StateRequest(roomId, merge, true,
                List.of(new StateTuple("m.room.topic", null), new StateTuple("m.room.name", null))));
        assertEquals(List.of(new StateEntry("m.room.topic", "", second.eventId())), before.entries());
        var after = api().stateIds(new StateRequest(roomId, merge, false,
                List.of(new StateTuple("m.room.topic", null), new StateTuple("m.room.name", null))));
        assertEquals(List.of(new StateEntry("m.room.name", "", merge),
                new StateEntry("m.room.topic", "", second.eventId())), after.entries());
    }

    private static List<String> ids(io.myelin.api.roomserver.StateResponse response) {
        return response.events().stream().map(RoomEvent::eventId).toList();
    }

    @Test
    void identicalStateIsStoredOnce() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        long snapshots = harness.rows("roomserver_state_snapshots");
        long blocks = harness.rows("roomserver_state_blocks");

        for (int i = 0; i < 10; i++) {
            api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                    Json.createObjectBuilder().add("body", "no state change " + i).build(), null));
        }
        assertEquals(snapshots, harness.rows("roomserver_state_snapshots"), "messages share their state");

        api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "new").build(), null));
        assertEquals(snapshots + 1, harness.rows("roomserver_state_snapshots"));
        assertEquals(blocks + 1, harness.rows("roomserver_state_blocks"), "only the topic's block is new");
    }

    @Test
    void outlierIsStoredOutsideTheGraph() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        Pdu topic = remote(roomId, RoomVersion.V12, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "aside").build(), 0);
        List<String> latest = api().latestEvents(new RoomRequest(roomId)).eventIds();

        assertEquals(InputOutcome.ACCEPTED, input(topic, InputKind.OUTLIER).status());

        assertTrue(api().event(new EventRequest(topic.eventId())).event().outlier());
        assertEquals(latest, api().latestEvents(new RoomRequest(roomId)).eventIds());
        assertNull(state(roomId).get(new StateKey("m.room.topic", "")));

        // The same event arriving later as part of the graph takes its place there.
        assertEquals(InputOutcome.ACCEPTED, input(topic, InputKind.NEW).status());
        assertFalse(api().event(new EventRequest(topic.eventId())).event().outlier());
        assertEquals("aside", content(state(roomId), "m.room.topic", "").getString("topic"));
    }

    @Test
    void oldEventNeverBecomesAForwardExtremity() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        List<String> latest = api().latestEvents(new RoomRequest(roomId)).eventIds();
        Pdu old = remote(roomId, RoomVersion.V12, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "from backfill").build(), 0);

        assertEquals(InputOutcome.ACCEPTED, input(old, InputKind.OLD).status());

        assertEquals(latest, api().latestEvents(new RoomRequest(roomId)).eventIds());
        assertFalse(api().state(new StateRequest(roomId, old.eventId(), false, List.of())).events().isEmpty());
    }

    @Test
    void eventWithUnknownPreviousEventsIsAcceptedWithSuppliedState() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        Map<StateKey, String> current = new HashMap<>();
        state(roomId).forEach((k, v) -> current.put(k, v.eventId()));
        JsonObject content = Json.createObjectBuilder().add("body", "from far back").build();
        Pdu backfilled = Pdu.signNew(RoomVersion.V12, Json.createObjectBuilder()
                .add("room_id", roomId).add("sender", ALICE).add("type", "m.room.message").add("content", content)
                .add("prev_events", Json.createArrayBuilder().add(NEVER_SEEN))
                .add("auth_events", Json.createArrayBuilder(AuthEventsSelector.authEventIds(RoomVersion.V12,
                        "m.room.message", null, ALICE, content, current)))
                .add("depth", 3).add("origin_server_ts", 1).build(), "elsewhere.example", REMOTE_KEY);

        InputOutcome outcome = api().input(new InputRequest(List.of(new InputRoomEvent(InputKind.OLD, null,
                backfilled.json(), "elsewhere.example", List.copyOf(current.values()))), false)).outcomes()
                .getFirst();

        assertEquals(InputOutcome.ACCEPTED, outcome.status());
        assertEquals(current.size(), api().state(new StateRequest(roomId, backfilled.eventId(), false, List.of()))
                .events().size());
    }

    @Test
    void eventAllowedByItsPastButNotByTheCurrentStateIsSoftFailed() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, null, null,
                List.of(), List.of(), null, null, null, false)).roomId();
        api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null));
        Pdu message = remote(roomId, RoomVersion.V12, BOB, "m.room.message", null,
                Json.createObjectBuilder().add("body", "sent before the ban").build(), 0);
        api().changeMembership(new MembershipRequest(roomId, ALICE, BOB, "ban", null));

        assertEquals(InputOutcome.SOFT_FAILED, input(message, InputKind.NEW).status());

        RoomEvent stored = api().event(new EventRequest(message.eventId())).event();
        assertTrue(stored.softFailed());
        assertFalse(stored.rejected());
        assertFalse(api().latestEvents(new RoomRequest(roomId)).eventIds().contains(message.eventId()));
    }

    @Test
    void metersCountInputsByOutcomeStatePathsAndTheBacklog() throws Exception {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        long accepted = timerCount("outcome", InputOutcome.ACCEPTED);
        long rejected = timerCount("outcome", InputOutcome.REJECTED);
        long onCurrent = counterCount("current");

        Pdu topic = remote(roomId, RoomVersion.V12, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "counted").build(), 0);
        assertEquals(InputOutcome.ACCEPTED, input(topic, InputKind.NEW).status());
        Pdu takeover = remote(roomId, RoomVersion.V12, MALLORY, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "taken over").build(), 0);
        assertEquals(InputOutcome.REJECTED, input(takeover, InputKind.NEW).status());

        assertEquals(accepted + 1, timerCount("outcome", InputOutcome.ACCEPTED));
        assertEquals(rejected + 1, timerCount("outcome", InputOutcome.REJECTED));
        // Both events name the room's one extremity, whose state is the current state.
        assertEquals(onCurrent + 2, counterCount("current"));

        // A burst of sends to two rooms: once all are answered, the queues drain to nothing.
        String other = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String room = i % 2 == 0 ? roomId : other;
                String body = "burst " + i;
                sent.add(pool.submit(() -> api().sendEvent(new SendEventRequest(room, ALICE, "m.room.message", null,
                        Json.createObjectBuilder().add("body", body).build(), null))));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((gauge("myelin.roomserver.backlog.tasks") != 0 || gauge("myelin.roomserver.backlog.rooms") != 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, gauge("myelin.roomserver.backlog.tasks"));
        assertEquals(0, gauge("myelin.roomserver.backlog.rooms"));
    }

    private static long timerCount(String tag, String value) {
        return harness.meters().meter(io.helidon.metrics.api.Timer.class, "myelin.roomserver.input",
                List.of(io.helidon.metrics.api.Tag.create(tag, value))).map(t -> t.count()).orElse(0L);
    }

    private static long counterCount(String path) {
        return harness.meters().meter(io.helidon.metrics.api.Counter.class, "myelin.roomserver.state",
                List.of(io.helidon.metrics.api.Tag.create("path", path))).map(c -> c.count()).orElse(0L);
    }

    private static double gauge(String name) {
        return harness.meters().gauge(name, List.of()).orElseThrow(() -> new AssertionError("no gauge " + name))
                .value().doubleValue();
    }

    @Test
    void outputsTellWhatChanged() throws Exception {
        harness.outputs().clear();
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "public_chat", null, null, null, null,
                List.of(BOB), List.of(), null, null, null, false)).roomId();
        JsonObject invite = awaitOutput(roomId, "new_invite");
        assertEquals(BOB, invite.getString("targetUserId"));

        String join = api().changeMembership(new MembershipRequest(roomId, BOB, null, "join", null)).eventId();
        JsonObject joined = awaitOutput(roomId, "new_room_event");
        while (!joined.getJsonObject("event").getString("type").equals("m.room.member")
                || !joined.getJsonObject("event").getString("state_key").equals(BOB)
                || !joined.getJsonObject("event").getJsonObject("content").getString("membership").equals("join")) {
            joined = awaitOutput(roomId, "new_room_event");
        }
        assertEquals(List.of(join), strings(joined, "addsStateEventIds"));
        assertEquals(1, strings(joined, "removesStateEventIds").size());
        assertEquals(BOB, awaitOutput(roomId, "retire_invite").getString("targetUserId"));

        String message = api().sendEvent(new SendEventRequest(roomId, BOB, "m.room.message", null,
                Json.createObjectBuilder().add("body", "hello").build(), null)).eventId();
        api().redact(new RedactRequest(roomId, ALICE, message, null, null));
        assertEquals(message, awaitOutput(roomId, "redacted_event").getString("redactedEventId"));
    }

    @Test
    void anInviteFromAnotherServerToARoomNotHereIsStoredCoSignedAndAnnounced() throws Exception {
        String roomId = "!invited" + System.nanoTime() + ":elsewhere.example";
        Pdu invite = remoteInvite(roomId, BOB);
        List<JsonObject> stripped = List.of(
                Json.createObjectBuilder().add("type", "m.room.create").add("state_key", "").add("sender", MALLORY)
                        .add("content", Json.createObjectBuilder().add("room_version", "10")).build(),
                Json.createObjectBuilder().add("type", "m.room.name").add("state_key", "").add("sender", MALLORY)
                        .add("content", Json.createObjectBuilder().add("name", "Far Away")).build());
        harness.outputs().clear();

        JsonObject signed = api().receiveInvite(new InviteRequest("10", invite.json(), stripped)).event();
        RoomVersion v10 = RoomVersion.of("10").orElseThrow();
        PduCheck check = PduValidator.check(v10, signed, (server, keyId) -> java.util.Optional.of(
                new ServerKey(server.equals(Harness.SERVER_NAME) ? harness.key().verifyKey()
                        : REMOTE_KEY.verifyKey(), Long.MAX_VALUE)));
        assertEquals(PduCheck.Outcome.ACCEPT, check.outcome(), check.reason());
        assertEquals(invite.eventId(), check.pdu().eventId());
        assertTrue(signed.getJsonObject("signatures").containsKey(Harness.SERVER_NAME), signed.toString());
        assertTrue(signed.getJsonObject("signatures").containsKey("elsewhere.example"), signed.toString());
        io.myelin.protocol.crypto.JsonSignatures.verify(io.myelin.protocol.event.Redaction.redact(signed, v10),
                Harness.SERVER_NAME, (server, keyId) -> server.equals(Harness.SERVER_NAME)
                        ? java.util.Optional.of(new ServerKey(harness.key().verifyKey(), Long.MAX_VALUE))
                        : java.util.Optional.empty(), io.myelin.protocol.crypto.JsonSignatures.ANY_TIME, true);

        var membership = api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships();
        assertEquals(1, membership.size());
        assertEquals("invite", membership.getFirst().membership());
        assertEquals(invite.eventId(), membership.getFirst().eventId());
        assertEquals(MALLORY, membership.getFirst().sender());
        var info = api().roomInfo(new RoomRequest(roomId));
        assertTrue(info.known() && info.stub(), info.toString());
        assertEquals("10", info.roomVersion());
        assertTrue(api().latestEvents(new RoomRequest(roomId)).eventIds().isEmpty(), "an outlier extends nothing");

        JsonObject announced = awaitOutput(roomId, "new_invite");
        assertEquals(BOB, announced.getString("targetUserId"));
        List<String> given = announced.getJsonObject("event").getJsonObject("unsigned")
                .getJsonArray("invite_room_state").stream().map(e -> e.asJsonObject().getString("type")).toList();
        assertEquals(List.of("m.room.create", "m.room.name"), given);
        JsonObject stored = api().event(new EventRequest(invite.eventId())).event().json();
        assertEquals(2, stored.getJsonObject("unsigned").getJsonArray("invite_room_state").size());

        // Sent again (federation retries), it is answered the same and stored once.
        JsonObject again = api().receiveInvite(new InviteRequest("10", invite.json(), stripped)).event();
        assertEquals(signed.getJsonObject("signatures"), again.getJsonObject("signatures"));
        assertEquals(1, api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships().size());
    }

    @Test
    void rejectingAnInviteToARoomNotHereRetiresItLocally() throws Exception {
        String roomId = "!rejected" + System.nanoTime() + ":elsewhere.example";
        Pdu invite = remoteInvite(roomId, BOB);
        api().receiveInvite(new InviteRequest("10", invite.json(), List.of()));
        harness.outputs().clear();

        MatrixException stranger = assertThrows(MatrixException.class, () -> api().changeMembership(
                new MembershipRequest(roomId, ALICE, null, "leave", null)));
        assertEquals("M_NOT_FOUND", stranger.code().name(), "only the invited user has something to reject");
        String leave = api().changeMembership(new MembershipRequest(roomId, BOB, null, "leave", "no thanks"))
                .eventId();

        var membership = api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships().getFirst();
        assertEquals("leave", membership.membership());
        assertEquals(leave, membership.eventId());
        JsonObject retired = awaitOutput(roomId, "retire_invite");
        assertEquals(BOB, retired.getString("targetUserId"));
        JsonObject event = retired.getJsonObject("event");
        assertEquals(BOB, event.getString("sender"));
        assertEquals("leave", event.getJsonObject("content").getString("membership"));
        assertEquals("no thanks", event.getJsonObject("content").getString("reason"));
        assertEquals(List.of(invite.eventId()), strings(event, "prev_events"));
        assertTrue(api().latestEvents(new RoomRequest(roomId)).eventIds().isEmpty());

        // Nothing is left to reject, and the room can be forgotten like any other left.
        assertThrows(MatrixException.class, () -> api().changeMembership(
                new MembershipRequest(roomId, BOB, null, "leave", null)));
        assertEquals(roomId, api().forget(new ForgetRequest(roomId, BOB)).roomId());
    }

    @Test
    void invitesThatAreNotInvitesOfLocalUsersAreRefusedAndStoreNothing() {
        String roomId = "!refused" + System.nanoTime() + ":elsewhere.example";
        Pdu join = remoteMember(RoomVersion.of("10").orElseThrow(), roomId, BOB, "join");
        Pdu remoteTarget = remoteInvite(roomId, "@carol:elsewhere.example");
        JsonObject tampered = Json.createObjectBuilder(remoteInvite(roomId, BOB).json())
                .add("content", Json.createObjectBuilder().add("membership", "invite").add("extra", 1)).build();
        assertEquals("M_INVALID_PARAM", refusal(new InviteRequest("10", join.json(), List.of())));
        assertEquals("M_INVALID_PARAM", refusal(new InviteRequest("10", remoteTarget.json(), List.of())));
        assertEquals("M_INVALID_PARAM", refusal(new InviteRequest("10", tampered, List.of())));
        assertEquals("M_INCOMPATIBLE_ROOM_VERSION", refusal(new InviteRequest("99", join.json(), List.of())));
        Pdu v12 = remoteMember(RoomVersion.of("12").orElseThrow(), roomId, BOB, "invite");
        assertEquals("M_INVALID_PARAM", refusal(new InviteRequest("12", v12.json(), List.of())),
                "a version 12 invite must bring the create event");

        assertFalse(api().roomInfo(new RoomRequest(roomId)).known());
        assertTrue(api().memberships(new MembershipsRequest(roomId, null, null)).memberships().isEmpty());
    }

    @Test
    void anInviteToARoomThisServerIsInIsCoSignedAndLeftToTheRoomsOwnEvents() {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "private_chat", null, null, null, null,
                List.of(), List.of(), null, null, "10", false)).roomId();
        Pdu invite = remoteInvite(roomId, BOB);

        JsonObject signed = api().receiveInvite(new InviteRequest("10", invite.json(), List.of())).event();
        assertTrue(signed.getJsonObject("signatures").containsKey(Harness.SERVER_NAME));
        assertTrue(api().memberships(new MembershipsRequest(roomId, BOB, null)).memberships().isEmpty(),
                "the invite arrives with the room's events, checked against its state");
        assertNull(api().event(new EventRequest(invite.eventId())).event());
    }

    @Test
    void purgingARoomDeletesEverythingOfItAndAnnouncesIt() throws Exception {
        String roomId = api().createRoom(new CreateRoomRequest(ALICE, "private_chat", null, "Doomed", null, null,
                List.of(BOB), List.of(), null, null, null, false)).roomId();
        String alias = "#doomed" + System.nanoTime() + ":test.local";
        assertTrue(api().createAlias(new CreateAliasRequest(alias, roomId, ALICE)));
        String message = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "soon gone").build(), "purge-txn")).eventId();
        String kept = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();

        MatrixException refused = assertThrows(MatrixException.class,
                () -> api().purgeRoom(new PurgeRoomRequest(roomId, false)));
        assertEquals("M_UNKNOWN", refused.code().name(), "Alice is still joined");
        assertNotNull(api().event(new EventRequest(message)).event());
        harness.outputs().clear();

        assertTrue(api().purgeRoom(new PurgeRoomRequest(roomId, true)).events() >= 7);
        assertEquals(roomId, awaitOutput(roomId, "purge").getString("roomId"));
        assertFalse(api().roomInfo(new RoomRequest(roomId)).known());
        assertNull(api().event(new EventRequest(message)).event());
        assertTrue(api().state(StateRequest.current(roomId)).events().isEmpty());
        assertTrue(api().latestEvents(new RoomRequest(roomId)).eventIds().isEmpty());
        assertTrue(api().memberships(new MembershipsRequest(roomId, null, null)).memberships().isEmpty());
        assertTrue(api().memberships(new MembershipsRequest(null, BOB, null)).memberships().stream()
                .noneMatch(m -> m.roomId().equals(roomId)));
        assertNull(api().resolveAlias(new AliasRequest(alias)).roomId());
        assertTrue(api().roomAliases(new RoomRequest(roomId)).aliases().isEmpty());
        assertFalse(api().rooms(new RoomsRequest(null, 100_000)).roomIds().contains(roomId));
        assertEquals("M_NOT_FOUND", assertThrows(MatrixException.class, () -> api().sendEvent(new SendEventRequest(
                roomId, ALICE, "m.room.message", null, Json.createObjectBuilder().add("body", "x").build(), null)))
                .code().name());
        assertEquals("M_NOT_FOUND", assertThrows(MatrixException.class,
                () -> api().purgeRoom(new PurgeRoomRequest(roomId, true))).code().name());

        // The other room of the same creator is untouched, and the alias is free again.
        assertTrue(api().roomInfo(new RoomRequest(kept)).known());
        api().sendEvent(new SendEventRequest(kept, ALICE, "m.room.message", null,
                Json.createObjectBuilder().add("body", "still here").build(), null));
        assertTrue(api().createAlias(new CreateAliasRequest(alias, kept, ALICE)));
    }

    @Test
    void aRoomNoLocalUserIsJoinedToIsPurgedWithoutForce() {
        String roomId = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        api().changeMembership(new MembershipRequest(roomId, ALICE, null, "leave", null));
        assertTrue(api().purgeRoom(new PurgeRoomRequest(roomId, false)).events() > 0);
        assertFalse(api().roomInfo(new RoomRequest(roomId)).known());

        String invited = "!purged" + System.nanoTime() + ":elsewhere.example";
        api().receiveInvite(new InviteRequest("10", remoteInvite(invited, BOB).json(), List.of()));
        assertEquals(1, api().purgeRoom(new PurgeRoomRequest(invited, false)).events());
        assertTrue(api().memberships(new MembershipsRequest(invited, BOB, null)).memberships().isEmpty());
    }

    private String refusal(InviteRequest request) {
        return assertThrows(MatrixException.class, () -> api().receiveInvite(request)).code().name();
    }

    private static Pdu remoteInvite(String roomId, String target) {
        return remoteMember(RoomVersion.of("10").orElseThrow(), roomId, target, "invite");
    }

    /** A membership event a remote server sent in a room of its own, citing events this server never saw. */
    private static Pdu remoteMember(RoomVersion version, String roomId, String target, String membership) {
        var event = Json.createObjectBuilder()
                .add("room_id", roomId).add("sender", MALLORY).add("type", "m.room.member").add("state_key", target)
                .add("content", Json.createObjectBuilder().add("membership", membership))
                .add("prev_events", Json.createArrayBuilder().add(NEVER_SEEN))
                .add("auth_events", Json.createArrayBuilder().add(NEVER_SEEN))
                .add("depth", 7).add("origin_server_ts", System.currentTimeMillis());
        return Pdu.signNew(version, event.build(), "elsewhere.example", REMOTE_KEY);
    }

    private static List<String> strings(JsonObject o, String key) {
        return o.getJsonArray(key).getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
    }

    /** The next output of a type in a room, skipping others; fails after ten seconds without one. */
    private static JsonObject awaitOutput(String roomId, String type) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject o = left <= 0 ? null
                    : harness.outputs().poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (o == null) {
                throw new AssertionError("no " + type + " output in " + roomId);
            }
            if (o.getString("roomId").equals(roomId) && o.getString("type").equals(type)) {
                return o;
            }
        }
    }

    private InputOutcome input(Pdu pdu, InputKind kind) {
        return api().input(new InputRequest(List.of(new InputRoomEvent(kind, null, pdu.json(), "elsewhere.example",
                null)), false)).outcomes().getFirst();
    }

    /**
     * Inputs two topics built on the same previous events, the second sent later but input first: a fork.
     *
     * @return the earlier and the later topic event
     */
    private List<Pdu> topicFork(String roomId) {
        long now = System.currentTimeMillis();
        Pdu first = remote(roomId, RoomVersion.V12, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "first").build(), now + 1000);
        Pdu second = remote(roomId, RoomVersion.V12, ALICE, "m.room.topic", "",
                Json.createObjectBuilder().add("topic", "second").build(), now + 2000);
        assertEquals(InputOutcome.ACCEPTED, input(second, InputKind.NEW).status());
        assertEquals(InputOutcome.ACCEPTED, input(first, InputKind.NEW).status());
        return List.of(first, second);
    }

    /** An event built as a remote server would, on the room's current extremities. */
    private Pdu remote(String roomId, RoomVersion version, String sender, String type, String stateKey,
                       JsonObject content, long ts) {
        Map<StateKey, String> current = new HashMap<>();
        state(roomId).forEach((k, v) -> current.put(k, v.eventId()));
        var latest = api().latestEvents(new RoomRequest(roomId));
        List<String> auth = AuthEventsSelector.authEventIds(version, type, stateKey, sender, content, current);
        var event = Json.createObjectBuilder()
                .add("room_id", roomId).add("sender", sender).add("type", type).add("content", content)
                .add("prev_events", Json.createArrayBuilder(latest.eventIds()))
                .add("auth_events", Json.createArrayBuilder(auth))
                .add("depth", latest.depth() + 1).add("origin_server_ts", ts == 0 ? System.currentTimeMillis() : ts);
        if (stateKey != null) {
            event.add("state_key", stateKey);
        }
        return Pdu.signNew(version, event.build(), "elsewhere.example", REMOTE_KEY);
    }

    private Map<StateKey, RoomEvent> state(String roomId) {
        Map<StateKey, RoomEvent> state = new HashMap<>();
        for (RoomEvent e : api().state(StateRequest.current(roomId)).events()) {
            state.put(new StateKey(e.json().getString("type"), e.json().getString("state_key")), e);
        }
        return state;
    }

    private static JsonObject content(Map<StateKey, RoomEvent> state, String type, String stateKey) {
        RoomEvent e = state.get(new StateKey(type, stateKey));
        assertNotNull(e, "no " + type + " in state");
        return e.json().getJsonObject("content");
    }
}
