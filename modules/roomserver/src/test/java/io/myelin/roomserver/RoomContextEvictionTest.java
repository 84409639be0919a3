package io.myelin.roomserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.myelin.api.cache.Caches;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.api.storage.Database;
import io.myelin.roomserver.input.RoomContext;
import io.myelin.roomserver.input.Rooms;
import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StateStore;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The roomserver keeping at most two rooms' contexts in memory, on SQLite. */
class RoomContextEvictionTest {

    private static final String ALICE = "@alice:test.local";
    private static final int LIMIT = 2;
    private static Harness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = Harness.sqlite(Map.of("room_contexts", Integer.toString(LIMIT)));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static RoomserverApi api() {
        return harness.api();
    }

    @Test
    void idleRoomsAreDroppedAndReadAgainWhenUsed() throws Exception {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rooms.add(api().createRoom(new CreateRoomRequest(ALICE, null, null, "Room " + i, null, null, List.of(),
                    List.of(), null, null, null, false)).roomId());
        }
        awaitIdle();

        // Reading each room again loads the dropped ones; the others make way.
        List<String> latest = new ArrayList<>();
        for (int i = 0; i < rooms.size(); i++) {
            assertEquals("Room " + i, name(rooms.get(i)));
            latest.add(single(api().latestEvents(new RoomRequest(rooms.get(i))).eventIds()));
            assertTrue(contexts() <= LIMIT, "contexts in memory: " + contexts());
        }

        // A room read again takes new events on the position it had.
        for (int i = 0; i < rooms.size(); i++) {
            String roomId = rooms.get(i);
            String sent = api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.name", "",
                    Json.createObjectBuilder().add("name", "Renamed " + i).build(), null)).eventId();
            assertEquals(List.of(latest.get(i)), prevEvents(sent));
            assertEquals(List.of(sent), api().latestEvents(new RoomRequest(roomId)).eventIds());
            assertEquals("Renamed " + i, name(roomId));
        }
        awaitIdle();
        api().roomInfo(new RoomRequest(rooms.getFirst()));
        assertTrue(contexts() <= LIMIT, "contexts in memory: " + contexts());
    }

    @Test
    void roomsWithWorkKeepTheirContextsWhileOthersAreDropped() throws Exception {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rooms.add(api().createRoom(CreateRoomRequest.simple(ALICE)).roomId());
        }
        int perRoom = 25;
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            // Readers load the rooms dropped meanwhile, as client requests would.
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    while (sending.get()) {
                        rooms.forEach(id -> api().latestEvents(new RoomRequest(id)));
                    }
                }));
            }
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < perRoom * rooms.size(); i++) {
                String roomId = rooms.get(i % rooms.size());
                String body = "message " + i;
                sent.add(pool.submit(() -> api().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message",
                        null, Json.createObjectBuilder().add("body", body).build(), null))));
            }
            try {
                for (Future<?> f : sent) {
                    f.get();
                }
            } finally {
                sending.set(false);
            }
            for (Future<?> f : readers) {
                f.get();
            }
        }

        // Built on a context dropped while in use, an event would fork its room: each room's graph is one line.
        for (String roomId : rooms) {
            String at = single(api().latestEvents(new RoomRequest(roomId)).eventIds());
            int messages = 0;
            Set<String> seen = new HashSet<>();
            while (at != null && seen.add(at)) {
                RoomEvent event = api().event(new EventRequest(at)).event();
                if (event.json().getString("type").equals("m.room.message")) {
                    messages++;
                }
                List<String> prev = prevEvents(at);
                assertTrue(prev.size() <= 1, "a fork in " + roomId + " at " + at);
                at = prev.isEmpty() ? null : prev.getFirst();
            }
            assertEquals(perRoom, messages, roomId);
        }
    }

    @Test
    void aPinnedContextIsNeverDroppedAndAnUnpinnedOneIsReadAgain() {
        // Room contexts of their own over the harness's storage, at most one kept.
        Database db = harness.service(Database.class);
        EventStore events = new EventStore(db, harness.service(Caches.class));
        Rooms rooms = new Rooms(events, new StateStore(events, harness.service(Caches.class)), new RoomTables(db), 1);
        String first = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();
        String second = api().createRoom(CreateRoomRequest.simple(ALICE)).roomId();

        rooms.pin(first);
        RoomContext working = rooms.get(first);
        rooms.get(second);
        assertSame(working, rooms.get(first), "a room with work keeps its context");

        rooms.unpin(first);
        rooms.get(second);
        assertEquals(1, rooms.size());
        RoomContext reloaded = rooms.get(first);
        assertNotSame(working, reloaded, "an idle room's context was dropped");
        assertEquals(working.head().extremities(), reloaded.head().extremities());
        assertEquals(working.head().state(), reloaded.head().state());
        assertEquals(working.head().snapshotNid(), reloaded.head().snapshotNid());
    }

    private static String name(String roomId) {
        List<RoomEvent> state = api().state(new StateRequest(roomId, null, false,
                List.of(new StateTuple("m.room.name", "")))).events();
        return state.getFirst().json().getJsonObject("content").getString("name");
    }

    private static List<String> prevEvents(String eventId) {
        JsonObject json = api().event(new EventRequest(eventId)).event().json();
        return json.getJsonArray("prev_events").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    private static String single(List<String> ids) {
        assertEquals(1, ids.size(), ids.toString());
        return ids.getFirst();
    }

    private static double contexts() {
        return gauge("myelin.roomserver.room_contexts");
    }

    private static double gauge(String name) {
        return harness.meters().gauge(name, List.of()).orElseThrow().value().doubleValue();
    }

    /** Waits until no room has work queued, for at most ten seconds. */
    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gauge("myelin.roomserver.backlog.rooms") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, gauge("myelin.roomserver.backlog.rooms"));
    }
}
