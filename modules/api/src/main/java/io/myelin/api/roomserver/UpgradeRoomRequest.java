package io.myelin.api.roomserver;

import java.util.List;

/**
 * A room to replace by a room of another version, as the client-server API's
 * {@code POST /rooms/{roomId}/upgrade}.
 *
 * @param roomId             the old room
 * @param sender             the local user asking, who must be allowed to send {@code m.room.tombstone} there
 * @param newVersion         the version of the replacement room
 * @param additionalCreators users to make creators of the replacement beside the sender, when its version has
 *                           additional creators (from version 12); ignored otherwise
 */
public record UpgradeRoomRequest(String roomId, String sender, String newVersion, List<String> additionalCreators) {

    /**
     * Replaces an absent list with an empty one.
     */
    public UpgradeRoomRequest {
        additionalCreators = additionalCreators == null ? List.of() : List.copyOf(additionalCreators);
    }

    /**
     * An upgrade with no additional creators.
     *
     * @param roomId     the old room
     * @param sender     the local user asking
     * @param newVersion the version of the replacement room
     */
    public UpgradeRoomRequest(String roomId, String sender, String newVersion) {
        this(roomId, sender, newVersion, List.of());
    }
}
