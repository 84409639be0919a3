package io.myelin.api.roomserver;

import java.util.List;

/**
 * Who is in a room.
 *
 * @param users   the joined users
 * @param servers the servers of the joined users
 */
public record JoinedResponse(List<String> users, List<String> servers) {
}
