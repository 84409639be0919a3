package io.myelin.sync.rooms;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.myelin.sync.stream.Memberships;

/**
 * {@link Memberships} answered from the rooms stream's own {@code sync_memberships} table, which follows each
 * room's current state as the stream consumes it.
 */
public final class SyncMemberships implements Memberships {

    private static final String JOIN = "join";

    private final RoomStream stream;

    /**
     * @param stream the rooms stream
     */
    public SyncMemberships(RoomStream stream) {
        this.stream = stream;
    }

    @Override
    public Set<String> localJoined(String roomId) {
        return stream.store().members(stream.store().db().client().execute(), roomId, JOIN).stream()
                .filter(stream::isLocal).collect(Collectors.toSet());
    }

    @Override
    public Set<String> joinedRooms(String userId) {
        return Set.copyOf(stream.store().roomsOf(userId, JOIN));
    }

    @Override
    public Set<String> localUsersSharingRoomsWith(String userId) {
        Set<String> users = new HashSet<>();
        if (stream.isLocal(userId)) {
            users.add(userId);
        }
        for (String roomId : joinedRooms(userId)) {
            users.addAll(localJoined(roomId));
        }
        return users;
    }
}
