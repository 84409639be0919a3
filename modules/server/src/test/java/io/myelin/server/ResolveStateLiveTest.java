package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.protocol.json.JsonParser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code myelin resolve-state --room}: resolution over a room read from the server's database. */
class ResolveStateLiveTest {

    private static final String ALICE = "@alice:test.local";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void resolvingTheForwardExtremitiesGivesTheRoomsCurrentState() throws Exception {
        AtomicReference<RoomserverApi> api = new AtomicReference<>();
        String roomId;
        String createId;
        JsonObject expected;
        try (TestServer server = TestServer.start(dir, "", new RoomserverWiringTest.RoomserverUser(api))) {
            roomId = api.get().createRoom(new CreateRoomRequest(ALICE, null, null, "Live", "a topic", null,
                    List.of(), List.of(), null, null, null, false)).roomId();
            api.get().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.name", "",
                    Json.createObjectBuilder().add("name", "Renamed").build(), null));
            api.get().sendEvent(new SendEventRequest(roomId, ALICE, "m.room.message", null,
                    Json.createObjectBuilder().add("body", "hello").build(), null));
            List<RoomEvent> state = api.get().state(StateRequest.current(roomId)).events();
            expected = stateMap(state);
            createId = state.stream().filter(e -> e.json().getString("type").equals("m.room.create")).findFirst()
                    .orElseThrow().eventId();
        }

        int status = run("resolve-state", "--config", dir.resolve("myelin.yaml").toString(), "--room", roomId);

        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String first = out.toString(StandardCharsets.UTF_8).split("\n")[0];
        assertEquals(expected, JsonParser.create().parse(first).asJsonObject());

        out.reset();
        status = run("resolve-state", "--config", dir.resolve("myelin.yaml").toString(), "--room", roomId,
                "--at", createId, "--explain");
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String only = out.toString(StandardCharsets.UTF_8).split("\n")[0];
        assertEquals(Json.createObjectBuilder().add("m.room.create", Json.createObjectBuilder().add("", createId))
                .build(), JsonParser.create().parse(only).asJsonObject());
    }

    @Test
    void anUnknownRoomFailsWithItsName() throws Exception {
        AtomicReference<RoomserverApi> api = new AtomicReference<>();
        try (TestServer server = TestServer.start(dir, "", new RoomserverWiringTest.RoomserverUser(api))) {
            api.get().createRoom(CreateRoomRequest.simple(ALICE));
        }

        int status = run("resolve-state", "--config", dir.resolve("myelin.yaml").toString(), "--room",
                "!nope:test.local");

        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown room !nope:test.local"),
                err.toString(StandardCharsets.UTF_8));
    }

    private static JsonObject stateMap(List<RoomEvent> state) {
        Map<String, Map<String, String>> byType = new java.util.TreeMap<>();
        for (RoomEvent e : state) {
            byType.computeIfAbsent(e.json().getString("type"), t -> new java.util.TreeMap<>())
                    .put(e.json().getString("state_key"), e.eventId());
        }
        JsonObjectBuilder b = Json.createObjectBuilder();
        byType.forEach((type, keys) -> {
            JsonObjectBuilder k = Json.createObjectBuilder();
            keys.forEach(k::add);
            b.add(type, k);
        });
        return b.build();
    }

    private int run(String... args) {
        return Main.run(List.of(args), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
    }
}
