package io.myelin.api.roomserver;

import java.util.List;

/**
 * Which state to read.
 *
 * @param roomId  the room
 * @param eventId the event whose state after it to read, or null for the room's current state
 * @param keys    the keys to read; empty for all
 */
public record StateRequest(String roomId, String eventId, List<StateTuple> keys) {

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
        return new StateRequest(roomId, null, List.of());
    }
}
