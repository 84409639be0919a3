package io.myelin.users.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.Membership;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.MembershipsResponse;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.SendEventRequest;
import io.myelin.api.roomserver.SendEventResponse;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateResponse;
import io.myelin.users.store.AccountStore.Profile;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * What {@link ProfilePropagation} sends, and that one refusing room does not keep the others from the update.
 */
class ProfilePropagationTest {

    private static final String USER = "@alice:test.local";

    /** A roomserver where alice has joined three rooms and the second refuses every event. */
    private static RoomserverApi rooms(List<SendEventRequest> sent, List<MembershipsRequest> asked) {
        JsonObject current = Json.createObjectBuilder().add("membership", "join").add("displayname", "Old")
                .add("is_direct", true).add("join_authorised_via_users_server", "@admin:test.local").build();
        return (RoomserverApi) Proxy.newProxyInstance(RoomserverApi.class.getClassLoader(),
                new Class<?>[] {RoomserverApi.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "memberships" -> {
                        asked.add((MembershipsRequest) args[0]);
                        yield new MembershipsResponse(List.of("!a:test.local", "!b:test.local", "!c:test.local")
                                .stream().map(r -> new Membership(r, USER, "join", USER, "$" + r, false)).toList());
                    }
                    case "state" -> {
                        String room = ((StateRequest) args[0]).roomId();
                        JsonObject event = Json.createObjectBuilder().add("type", "m.room.member")
                                .add("state_key", USER).add("content", current).build();
                        yield new StateResponse(room, "12",
                                List.of(new RoomEvent("$" + room, room, "12", event, false, false, false, null)));
                    }
                    case "sendEvent" -> {
                        SendEventRequest request = (SendEventRequest) args[0];
                        if (request.roomId().equals("!b:test.local")) {
                            throw MatrixException.forbidden("refused by the authorization rules");
                        }
                        sent.add(request);
                        yield new SendEventResponse("$new");
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aRefusingRoomIsSkippedAndTheOthersAreUpdated() {
        List<SendEventRequest> sent = new ArrayList<>();
        List<MembershipsRequest> asked = new ArrayList<>();
        int updated = new ProfilePropagation(rooms(sent, asked)).propagate(USER, new Profile("New", null));

        assertEquals(2, updated);
        assertEquals(List.of(new MembershipsRequest(null, USER, "join")), asked);
        assertEquals(List.of("!a:test.local", "!c:test.local"), sent.stream().map(SendEventRequest::roomId).toList());
        for (SendEventRequest request : sent) {
            assertEquals("m.room.member", request.type());
            assertEquals(USER, request.stateKey());
            assertEquals(USER, request.sender());
        }
    }

    @Test
    void memberContentKeepsOtherFieldsAndDropsAClearedAvatarAndTheOldJoinAuthorisation() {
        List<SendEventRequest> sent = new ArrayList<>();
        new ProfilePropagation(rooms(sent, new ArrayList<>())).propagate(USER, new Profile("New", null));

        JsonObject content = sent.getFirst().content();
        assertEquals("join", content.getString("membership"));
        assertEquals("New", content.getString("displayname"));
        assertTrue(content.getBoolean("is_direct"));
        assertFalse(content.containsKey("avatar_url"));
        assertFalse(content.containsKey("join_authorised_via_users_server"));
    }

    @Test
    void noRoomsIsNoWork() {
        RoomserverApi none = (RoomserverApi) Proxy.newProxyInstance(RoomserverApi.class.getClassLoader(),
                new Class<?>[] {RoomserverApi.class}, (proxy, method, args) -> {
                    if (method.getName().equals("memberships")) {
                        return new MembershipsResponse(List.of());
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertEquals(0, new ProfilePropagation(none).propagate(USER, new Profile("New", null)));
    }
}
