package io.myelin.api.roomserver;

import java.util.List;

/**
 * What a room alias names.
 *
 * @param roomId  the room, or null when the alias is unknown
 * @param creator the user who made the alias, or null when it is unknown
 * @param servers servers that can be asked to join the room: this server first, then those with joined users
 */
public record AliasResponse(String roomId, String creator, List<String> servers) {

    /**
     * @return whether the alias names a room
     */
    public boolean known() {
        return roomId != null;
    }
}
