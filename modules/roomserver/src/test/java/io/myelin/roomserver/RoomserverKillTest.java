package io.myelin.roomserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.myelin.api.roomserver.InputKind;
import io.myelin.api.roomserver.InputOutcome;
import io.myelin.api.roomserver.InputRequest;
import io.myelin.api.roomserver.InputRoomEvent;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

/**
 * A roomserver process killed in the middle of its input loses nothing it acknowledged and leaves no half-applied
 * room behind.
 */
class RoomserverKillTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ACKS_BEFORE_KILL = 40;

    @Test
    void acknowledgedEventsSurviveAKillAndTheRoomStaysConsistent() throws Exception {
        Path dir = Files.createTempDirectory("myelin-roomserver-kill");
        List<String> acked = new CopyOnWriteArrayList<>();
        AtomicReference<String> room = new AtomicReference<>();
        Process child = startChild(dir);
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("ROOM ")) {
                            room.set(line.substring(5));
                        } else if (line.startsWith("ACK ")) {
                            acked.add(line.substring(4));
                        }
                    }
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            await(() -> acked.size() >= ACKS_BEFORE_KILL || !child.isAlive());
            assertTrue(child.isAlive(), "child still sending when killed; it acknowledged " + acked.size() + ":\n"
                    + Files.readString(dir.resolve("child.log")));
            child.destroyForcibly();
            assertTrue(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "child killed");
            reader.join(WAIT);
            assertNull(failure.get());
        } finally {
            child.destroyForcibly();
        }
        List<String> told = List.copyOf(acked);
        String roomId = room.get();
        assertNotNull(roomId);

        try (Harness harness = Harness.sqliteIn(dir, true)) {
            var api = harness.api();
            List<RoomEvent> stored = new ArrayList<>();
            for (String id : told) {
                RoomEvent e = api.event(new EventRequest(id)).event();
                assertNotNull(e, "acknowledged event " + id + " is stored");
                assertFalse(e.rejected() || e.outlier(), id);
                stored.add(e);
            }
            assertConsistent(harness, roomId);

            // The room goes on from where the killed process left it. Sends the child had queued but not been
            // answered for were never acknowledged and are gone (a client sends them again); this one follows
            // the last event stored.
            String after = api.sendEvent(new SendEventRequest(roomId, KillChild.ALICE, "m.room.message", null,
                    Json.createObjectBuilder().add("body", "after").build(), null)).eventId();
            assertEquals(List.of(after), api.latestEvents(new RoomRequest(roomId)).eventIds());
            assertConsistent(harness, roomId);

            // Replaying what was acknowledged changes nothing.
            List<String> latest = api.latestEvents(new RoomRequest(roomId)).eventIds();
            long events = harness.rows("roomserver_events");
            var current = api.state(StateRequest.current(roomId)).events().stream().map(RoomEvent::eventId).toList();
            for (RoomEvent e : stored) {
                InputOutcome outcome = api.input(new InputRequest(List.of(new InputRoomEvent(InputKind.NEW, null,
                        e.json(), Harness.SERVER_NAME, null)), false)).outcomes().getFirst();
                assertEquals(InputOutcome.ACCEPTED, outcome.status(), e.eventId() + ": " + outcome.reason());
            }
            assertEquals(latest, api.latestEvents(new RoomRequest(roomId)).eventIds());
            assertEquals(events, harness.rows("roomserver_events"));
            assertEquals(current, api.state(StateRequest.current(roomId)).events().stream()
                    .map(RoomEvent::eventId).toList());

            assertConsistent(harness, roomId);
        }
    }

    private static void assertConsistent(Harness harness, String roomId) {
        long roomNid = harness.number("SELECT room_nid AS n FROM roomserver_rooms WHERE room_id = ?", roomId);
        assertEquals(0, harness.number("SELECT COUNT(*) AS n FROM roomserver_forward_extremities f"
                + " LEFT JOIN roomserver_events e ON e.event_nid = f.event_nid WHERE e.event_nid IS NULL"),
                "every forward extremity is a stored event");
        assertEquals(0, harness.number("SELECT COUNT(*) AS n FROM roomserver_forward_extremities f"
                + " JOIN roomserver_events e ON e.event_nid = f.event_nid"
                + " JOIN roomserver_previous_events p ON p.previous_event_id = e.event_id"),
                "no forward extremity is named as previous by a stored event");
        // The sends were serialised by the room's queue, so the room is a chain with one head, and its current
        // state is the state after that head.
        assertEquals(1, harness.number("SELECT COUNT(*) AS n FROM roomserver_forward_extremities WHERE room_nid = ?",
                roomNid));
        assertEquals(harness.number("SELECT e.state_snapshot_nid AS n FROM roomserver_forward_extremities f"
                        + " JOIN roomserver_events e ON e.event_nid = f.event_nid WHERE f.room_nid = ?", roomNid),
                harness.number("SELECT state_snapshot_nid AS n FROM roomserver_rooms WHERE room_nid = ?", roomNid),
                "current state is the state after the head");
        for (RoomEvent e : harness.api().state(StateRequest.current(roomId)).events()) {
            assertNotNull(harness.api().event(new EventRequest(e.eventId())).event(), e.eventId());
        }
        // The head's depth is one more than any other event's, so no committed event is missing from the chain.
        assertEquals(harness.number("SELECT MAX(depth) AS n FROM roomserver_events WHERE room_nid = ?", roomNid),
                harness.number("SELECT e.depth AS n FROM roomserver_forward_extremities f"
                        + " JOIN roomserver_events e ON e.event_nid = f.event_nid WHERE f.room_nid = ?", roomNid));
    }

    private static Process startChild(Path dir) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--module-path", System.getProperty("jdk.module.path"),
                "--patch-module", "io.myelin.roomserver=" + System.getProperty("myelin.test.classes"),
                "--add-modules", "ALL-MODULE-PATH",
                "--add-reads", "io.myelin.roomserver=ALL-UNNAMED",
                // Surefire leaves jars no module requires, such as the JDBC drivers, on the class path.
                "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED,org.xerial.sqlitejdbc",
                "--sun-misc-unsafe-memory-access=allow",
                "-Djava.util.logging.config.file=" + System.getProperty("java.util.logging.config.file", ""),
                "-m", "io.myelin.roomserver/" + KillChild.class.getName(),
                dir.toString()));
        return new ProcessBuilder(command).redirectError(dir.resolve("child.log").toFile()).start();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }
}
