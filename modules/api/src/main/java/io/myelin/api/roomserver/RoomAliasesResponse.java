package io.myelin.api.roomserver;

import java.util.List;

/**
 * The local aliases of a room.
 *
 * @param aliases the aliases, in alphabetical order
 */
public record RoomAliasesResponse(List<String> aliases) {
}
