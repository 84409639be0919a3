package io.myelin.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
 * of {@code m.room.history_visibility} or of the reader's own membership equals the state at it. In a
 * {@code shared} room an event is visible to a reader who was joined at some point after it: the reader's
 * membership events are followed back from the current one, each to the one before it in the state before it,
 * for as long as they come after the event (by depth); a join among them makes the event visible.
 */
final class Visibility {

    static final String WORLD_READABLE = "world_readable";
    /** How many of a reader's membership events a look back through their history reads at most. */
    private static final int HISTORY_STEPS = 64;

    private final RoomserverApi roomserver;

    Visibility(RoomserverApi roomserver) {
        this.roomserver = roomserver;
    }

    /**
     * Whether a user may read an event.
     */
    boolean canSee(String userId, RoomEvent event) {
        List<RoomEvent> state = roomserver.state(new StateRequest(event.roomId(), event.eventId(), false, List.of(
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
        if (visibility.equals(WORLD_READABLE)) {
            return true;
        }
        // A user who forgot the room reads it as someone who was never in it.
        Optional<Membership> now = membership(event.roomId(), userId);
        if (now.isPresent() && now.get().forgotten()) {
            return false;
        }
        if (membershipAt.equals("join")) {
            return true;
        }
        if (visibility.equals("invited") && membershipAt.equals("invite")) {
            return true;
        }
        return visibility.equals("shared") && joinedLater(userId, now, event);
    }

    private boolean joinedLater(String userId, Optional<Membership> now, RoomEvent event) {
        if (now.isEmpty()) {
            return false;
        }
        if (now.get().membership().equals("join")) {
            return true;
        }
        long depth = depth(event);
        Deque<String> todo = new ArrayDeque<>(List.of(now.get().eventId()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < HISTORY_STEPS) {
            String id = todo.pop();
            if (!seen.add(id)) {
                continue;
            }
            RoomEvent member = roomserver.event(new EventRequest(id)).event();
            if (member == null || depth(member) <= depth) {
                continue;
            }
            if ("join".equals(member.json().getJsonObject("content").getString("membership", ""))) {
                return true;
            }
            // The membership before this one: the user's member event in the state after each previous event.
            for (String before : prevEvents(member.json())) {
                roomserver.state(new StateRequest(event.roomId(), before, false,
                        List.of(new StateTuple("m.room.member", userId)))).events()
                        .forEach(e -> todo.add(e.eventId()));
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
     * world readable, which shows its current state to anyone), else the user's leave or ban event, unless the
     * user forgot the room.
     *
     * @throws MatrixException {@code M_FORBIDDEN} when the user may read none of the room's state
     */
    Optional<String> stateView(String roomId, String userId) {
        if (!roomserver.roomInfo(new RoomRequest(roomId)).known()) {
            throw MatrixException.forbidden("You are not allowed to read this room.");
        }
        Optional<Membership> membership = membership(roomId, userId).filter(m -> !m.forgotten());
        if (membership.isPresent() && membership.get().membership().equals("join")) {
            return Optional.empty();
        }
        if (worldReadable(roomId)) {
            return Optional.empty();
        }
        if (membership.isPresent() && List.of("leave", "ban").contains(membership.get().membership())) {
            return Optional.of(membership.get().eventId());
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
        return roomserver.state(new StateRequest(roomId, null, false,
                List.of(new StateTuple("m.room.history_visibility", "")))).events().stream()
                .anyMatch(e -> WORLD_READABLE.equals(e.json().getJsonObject("content")
                        .getString("history_visibility", "")));
    }

    Optional<Membership> membership(String roomId, String userId) {
        return roomserver.memberships(new MembershipsRequest(roomId, userId, null)).memberships().stream()
                .findFirst();
    }
}
