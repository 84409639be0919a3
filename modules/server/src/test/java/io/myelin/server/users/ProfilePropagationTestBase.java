package io.myelin.server.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.roomserver.CreateRoomRequest;
import io.myelin.api.roomserver.MembershipRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;
import io.myelin.server.users.UsersServer.Backend;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A profile change over real HTTP reaches the member events of the rooms the user has joined, run once per
 * database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProfilePropagationTestBase {

    /** Hands the test the roomserver the real server wired, as a component that needs it would get it. */
    record RoomsHandle(AtomicReference<RoomserverApi> api) implements Component {
        @Override
        public String name() {
            return "rooms-handle";
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

    private final AtomicReference<RoomserverApi> rooms = new AtomicReference<>();
    private UsersServer server;

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        server = UsersServer.start(Files.createTempDirectory("myelin-profile-"), backend(),
                AccountsTestBase.CONFIG, List.of(new RoomsHandle(rooms)));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonObject memberContent(String roomId, String userId) {
        List<RoomEvent> events = rooms.get().state(new StateRequest(roomId, null, false,
                List.of(new StateTuple("m.room.member", userId)))).events();
        assertEquals(1, events.size());
        return events.getFirst().json().getJsonObject("content");
    }

    private String createRoom(String userId) {
        return rooms.get().createRoom(CreateRoomRequest.simple(userId)).roomId();
    }

    @Test
    void displaynameChangeReachesEveryJoinedRoom() throws Exception {
        String name = AccountsTestBase.name();
        String token = AccountsTestBase.register(server, name, "pw").string("access_token");
        String userId = "@" + name + ":" + UsersServer.SERVER_NAME;
        String first = createRoom(userId);
        String second = createRoom(userId);

        UsersServer.Reply put = server.call("PUT", "/_matrix/client/v3/profile/" + userId + "/displayname", token,
                "{\"displayname\":\"Alice in rooms\"}");
        assertEquals(200, put.status(), put.raw().body());

        for (String room : List.of(first, second)) {
            JsonObject content = memberContent(room, userId);
            assertEquals("join", content.getString("membership"));
            assertEquals("Alice in rooms", content.getString("displayname"));
        }
    }

    @Test
    void avatarChangeKeepsTheDisplaynameAndOtherContent() throws Exception {
        String name = AccountsTestBase.name();
        String token = AccountsTestBase.register(server, name, "pw").string("access_token");
        String userId = "@" + name + ":" + UsersServer.SERVER_NAME;
        String base = "/_matrix/client/v3/profile/" + userId;
        assertEquals(200, server.call("PUT", base + "/displayname", token, "{\"displayname\":\"Bo\"}").status());
        String room = createRoom(userId);

        assertEquals(200, server.call("PUT", base + "/avatar_url", token,
                "{\"avatar_url\":\"mxc://test.local/abc\"}").status());

        JsonObject content = memberContent(room, userId);
        assertEquals("Bo", content.getString("displayname"));
        assertEquals("mxc://test.local/abc", content.getString("avatar_url"));
        assertEquals("join", content.getString("membership"));
    }

    @Test
    void roomsTheUserLeftAreNotTouched() throws Exception {
        String name = AccountsTestBase.name();
        String token = AccountsTestBase.register(server, name, "pw").string("access_token");
        String userId = "@" + name + ":" + UsersServer.SERVER_NAME;
        String kept = createRoom(userId);
        String left = createRoom(userId);
        rooms.get().changeMembership(new MembershipRequest(left, userId, userId, "leave", null));

        UsersServer.Reply put = server.call("PUT", "/_matrix/client/v3/profile/" + userId + "/displayname", token,
                "{\"displayname\":\"Only here\"}");
        assertEquals(200, put.status(), put.raw().body());

        assertEquals("Only here", memberContent(kept, userId).getString("displayname"));
        JsonObject gone = memberContent(left, userId);
        assertEquals("leave", gone.getString("membership"));
        assertFalse(gone.containsKey("displayname"));
    }
}
