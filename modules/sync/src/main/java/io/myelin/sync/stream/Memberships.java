package io.myelin.sync.stream;

import java.util.Set;

/**
 * Who is in which room, as the sync sources need it to decide whom to wake and what to send.
 */
public interface Memberships {

    /**
     * @param roomId a room
     * @return the local users joined to it now
     */
    Set<String> localJoined(String roomId);

    /**
     * @param userId a user
     * @return the rooms the user is joined to now
     */
    Set<String> joinedRooms(String userId);

    /**
     * @param userId a user (local or remote)
     * @return the local users who share at least one joined room with them, including themselves when local
     */
    Set<String> localUsersSharingRoomsWith(String userId);
}
