package io.myelin.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.Membership;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * History visibility (client-server API, "Room History Visibility"): who may read which events and which state.
 *
 * <p>An event's visibility is judged by the room's state after the event, which for every event but a change
 * of {@code m.room.history_visibility} or of the reader's own membership equals the state at it. For
 * {@code shared} rooms, a reader who left is treated as never having joined later, because the roomserver
 * does not offer the reader's membership history; such a reader sees what they saw while they were joined.
 */
final class Visibility {

    static final String WORLD_READABLE = "world_readable";

    private final RoomserverApi roomserver;

    Visibility(RoomserverApi roomserver) {
        this.roomserver = roomserver;
    }

    /**
     * Whether a user may read an event.
     */
    boolean canSee(String userId, RoomEvent event) {
        List<RoomEvent> state = roomserver.state(new StateRequest(event.roomId(), event.eventId(), List.of(
                new StateTuple("m.room.member", userId), new StateTuple("m.room.history_visibility", "")))).events();
        String visibility = "shared";
        String membershipAt = "leave";
        for (RoomEvent e : state) {
            var content = e.json().getJsonObject("content");
            if ("m.room.history_visibility".equals(e.json().getString("type", ""))) {
                visibility = content.getString("history_visibility", "shared");
            } else {
                membershipAt = content.getString("membership", "leave");
            }
        }
        if (visibility.equals(WORLD_READABLE) || membershipAt.equals("join")) {
            return true;
        }
        if (visibility.equals("invited") && membershipAt.equals("invite")) {
            return true;
        }
        return visibility.equals("shared") && joinedLater(userId, event);
    }

    private boolean joinedLater(String userId, RoomEvent event) {
        Optional<Membership> now = membership(event.roomId(), userId);
        if (now.isEmpty()) {
            return false;
        }
        String m = now.get().membership();
        if (m.equals("join")) {
            return true;
        }
        if (!m.equals("leave") && !m.equals("ban")) {
            return false;
        }
        RoomEvent left = roomserver.event(new EventRequest(now.get().eventId())).event();
        if (left == null || depth(event) >= depth(left)) {
            return false;
        }
        for (String before : prevEvents(left.json())) {
            List<RoomEvent> state = roomserver.state(new StateRequest(event.roomId(), before,
                    List.of(new StateTuple("m.room.member", userId)))).events();
            if (state.stream().anyMatch(e -> "join".equals(e.json().getJsonObject("content")
                    .getString("membership", "")))) {
                return true;
            }
        }
        return false;
    }

    private static long depth(RoomEvent event) {
        return event.json().containsKey("depth") ? event.json().getJsonNumber("depth").longValue() : 0;
    }

    // Room versions 1 and 2 list [id, hashes] pairs; later ones list the ids.
    private static List<String> prevEvents(JsonObject json) {
        List<String> ids = new ArrayList<>();
        if (!(json.get("prev_events") instanceof JsonArray prev)) {
            return ids;
        }
        for (JsonValue value : prev) {
            if (value instanceof JsonString id) {
                ids.add(id.getString());
            } else if (value instanceof JsonArray pair && !pair.isEmpty() && pair.get(0) instanceof JsonString id) {
                ids.add(id.getString());
            }
        }
        return ids;
    }

    /**
     * The point whose state a user may read: empty for the current state (the user is joined or the room is
     * world readable), else the user's leave or ban event.
     *
     * @throws MatrixException {@code M_FORBIDDEN} when the user may read none of the room's state
     */
    Optional<String> stateView(String roomId, String userId) {
        if (!roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            throw MatrixException.forbidden("You are not allowed to read this room.");
        }
        Optional<Membership> membership = membership(roomId, userId);
        if (membership.isPresent()) {
            String m = membership.get().membership();
            if (m.equals("join")) {
                return Optional.empty();
            }
            if (m.equals("leave") || m.equals("ban")) {
                return Optional.of(membership.get().eventId());
            }
        }
        if (worldReadable(roomId)) {
            return Optional.empty();
        }
        throw MatrixException.forbidden("You are not allowed to read this room.");
    }

    /**
     * Requires that a user is joined to a room now.
     *
     * @throws MatrixException {@code M_FORBIDDEN} otherwise
     */
    void requireJoined(String roomId, String userId) {
        if (membership(roomId, userId).filter(m -> m.membership().equals("join")).isEmpty()) {
            throw MatrixException.forbidden("You are not joined to this room.");
        }
    }

    /**
     * Whether a user is joined to a room now or the room's history is world readable.
     */
    boolean joinedOrWorldReadable(String roomId, String userId) {
        if (!roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            return false;
        }
        return membership(roomId, userId).filter(m -> m.membership().equals("join")).isPresent()
                || worldReadable(roomId);
    }

    private boolean worldReadable(String roomId) {
        return roomserver.state(new StateRequest(roomId, null,
                List.of(new StateTuple("m.room.history_visibility", "")))).events().stream()
                .anyMatch(e -> WORLD_READABLE.equals(e.json().getJsonObject("content")
                        .getString("history_visibility", "")));
    }

    Optional<Membership> membership(String roomId, String userId) {
        return roomserver.memberships(new MembershipsRequest(roomId, userId, null)).memberships().stream()
                .findFirst();
    }
}
