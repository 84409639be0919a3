package io.myelin.sync.stream;

import java.util.Set;

import jakarta.json.JsonObject;

/**
 * Who is syncing, and how.
 *
 * @param userId          the user
 * @param deviceId        the device, whose to-device messages and key counts the response carries
 * @param initial         whether the client sent no {@code since}
 * @param fullState       the request's {@code full_state}
 * @param filter          the filter in force (uploaded or inline), the empty object when none
 * @param joinedRooms     the rooms the user is joined to as of the response
 * @param newlyJoinedRooms rooms the user joined after {@code since}, for which a source sends the current
 *                         picture rather than changes (for example every receipt in the room)
 */
public record SyncQuery(String userId, String deviceId, boolean initial, boolean fullState, JsonObject filter,
                        Set<String> joinedRooms, Set<String> newlyJoinedRooms) {
}
