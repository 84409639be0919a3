package io.myelin.sync.stream;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.myelin.api.roomserver.Membership;
import io.myelin.api.roomserver.MembershipsRequest;
import io.myelin.api.roomserver.RoomserverApi;

/**
 * {@link Memberships} answered from the roomserver's current memberships. The sources that check permissions
 * (typing, receipts, presence) and follow who shares rooms (device lists) use these rather than the rooms
 * stream's own tables, which follow the roomserver a few milliseconds late: a client that joins and at once
 * sends a receipt must not be told it is not in the room.
 */
public final class RoomserverMemberships implements Memberships {

    private static final String JOIN = "join";

    private final RoomserverApi rooms;
    private final String serverName;

    /**
     * @param rooms      the roomserver
     * @param serverName this server's name, to tell local users
     */
    public RoomserverMemberships(RoomserverApi rooms, String serverName) {
        this.rooms = rooms;
        this.serverName = serverName;
    }

    @Override
    public Set<String> localJoined(String roomId) {
        return rooms.memberships(new MembershipsRequest(roomId, null, JOIN)).memberships().stream()
                .map(Membership::userId).filter(this::isLocal).collect(Collectors.toSet());
    }

    @Override
    public Set<String> joinedRooms(String userId) {
        return rooms.memberships(new MembershipsRequest(null, userId, JOIN)).memberships().stream()
                .map(Membership::roomId).collect(Collectors.toSet());
    }

    @Override
    public Set<String> localUsersSharingRoomsWith(String userId) {
        Set<String> users = new HashSet<>();
        if (isLocal(userId)) {
            users.add(userId);
        }
        for (String roomId : joinedRooms(userId)) {
            users.addAll(localJoined(roomId));
        }
        return users;
    }

    private boolean isLocal(String userId) {
        return userId.endsWith(":" + serverName);
    }
}
