package io.myelin.api.roomserver;

/**
 * A new mapping of a local alias to a room.
 *
 * @param alias   the full alias, {@code #local:server}
 * @param roomId  the room
 * @param creator the user who asks, remembered so that they may remove it later
 */
public record CreateAliasRequest(String alias, String roomId, String creator) {
}
