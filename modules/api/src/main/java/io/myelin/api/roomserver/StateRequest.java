package io.myelin.api.roomserver;

import java.util.List;

/**
 * Which state to read.
 *
 * @param roomId  the room
 * @param eventId the event at which to read, or null for the room's current state
 * @param before  with an event: true for the state before it, the state it was authorised against (what the
 *                server-server API's {@code /state} and {@code /state_ids} return); false for the state after it.
 *                Ignored without an event
 * @param keys    the keys to read, a key with a null state key standing for every state key of its type; empty
 *                for all
 */
public record StateRequest(String roomId, String eventId, boolean before, List<StateTuple> keys) {

    /**
     * Replaces an absent list with an empty one.
     */
    public StateRequest {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    /**
     * The whole current state of a room.
     *
     * @param roomId the room
     * @return the request
     */
    public static StateRequest current(String roomId) {
        return new StateRequest(roomId, null, false, List.of());
    }
}
