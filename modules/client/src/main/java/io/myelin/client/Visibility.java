package io.myelin.client;

import java.util.List;
import java.util.Optional;

import io.myelin.api.http.MatrixException;
import io.myelin.api.roomserver.JoinedAfterRequest;
import io.myelin.api.roomserver.Membership;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomRequest;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.roomserver.StateRequest;
import io.myelin.api.roomserver.StateTuple;

/**
 * History visibility (client-server API, "Room History Visibility"): who may read which events and which state.
 *
 * <p>An event's visibility is judged by the room's state after the event, which for every event but a change
 * of {@code m.room.history_visibility} or of the reader's own membership equals the state at it. In a
 * {@code shared} room an event is visible to a reader who was joined at some point after it: a reader joined now,
 * or one with an accepted join event in the room deeper than the event, however many membership changes came
 * between. Depth stands in for the graph's order, so a join on a branch beside the event counts when deeper.
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
        return roomserver.joinedAfter(new JoinedAfterRequest(userId, event.eventId()));
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
