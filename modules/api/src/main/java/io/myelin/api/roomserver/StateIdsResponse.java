package io.myelin.api.roomserver;

import java.util.List;

/**
 * Room state as event ids.
 *
 * @param roomId      the room
 * @param roomVersion the room's version, or null when the room is unknown
 * @param known       whether the state asked for is known here: false for an unknown room or event, an event of
 *                    another room, an outlier, or an event stored before this server kept the state before it
 * @param entries     the entries, ordered by type and state key; empty when not known
 */
public record StateIdsResponse(String roomId, String roomVersion, boolean known, List<StateEntry> entries) {

    /**
     * Copies the list.
     */
    public StateIdsResponse {
        entries = List.copyOf(entries);
    }
}
