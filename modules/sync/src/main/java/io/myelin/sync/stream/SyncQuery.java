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
 * @param useStateAfter    the request's {@code use_state_after}: rooms carry the state at the end of their
 *                         timeline as {@code state_after} instead of the state before it as {@code state}
 */
public record SyncQuery(String userId, String deviceId, boolean initial, boolean fullState, JsonObject filter,
                        Set<String> joinedRooms, Set<String> newlyJoinedRooms, boolean useStateAfter) {

    /** A query without {@code use_state_after}, as the sources other than rooms see no difference. */
    public SyncQuery(String userId, String deviceId, boolean initial, boolean fullState, JsonObject filter,
                     Set<String> joinedRooms, Set<String> newlyJoinedRooms) {
        this(userId, deviceId, initial, fullState, filter, joinedRooms, newlyJoinedRooms, false);
    }
}
