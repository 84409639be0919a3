package io.myelin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.StateRequest;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server wires the roomserver to its storage, bus and cache, and a room outlives a restart.
 */
class RoomserverWiringTest {

    @TempDir
    Path dir;

    /** A test component that needs the roomserver, as client endpoints will. */
    record RoomserverUser(AtomicReference<RoomserverApi> api) implements Component {
        @Override
        public String name() {
            return "roomserver-user";
        }

        @Override
        public Set<Class<?>> needs() {
            return Set.of(RoomserverApi.class);
        }

        @Override
        public void start(ComponentContext context) {
            api.set(context.require(RoomserverApi.class));
        }
    }

    @Test
    void roomCreatedThroughTheServerSurvivesARestart() throws Exception {
        AtomicReference<RoomserverApi> api = new AtomicReference<>();
        String roomId;
        String message;
        int stateSize;
        try (TestServer server = TestServer.start(dir, "", new RoomserverUser(api))) {
            roomId = api.get().createRoom(new CreateRoomRequest("@alice:test.local", null, null, "Wired", null, null,
                    List.of(), List.of(), null, null, null, false)).roomId();
            message = api.get().sendEvent(new SendEventRequest(roomId, "@alice:test.local", "m.room.message", null,
                    Json.createObjectBuilder().add("body", "hello").build(), null)).eventId();
            stateSize = api.get().state(StateRequest.current(roomId)).events().size();
        }
        try (TestServer server = TestServer.start(dir, "", new RoomserverUser(api))) {
            assertEquals(stateSize, api.get().state(StateRequest.current(roomId)).events().size());
            assertEquals(List.of(message), api.get().latestEvents(new RoomRequest(roomId)).eventIds());
        }
    }
}
