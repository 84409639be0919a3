package io.myelin.roomserver.storage;

import io.myelin.protocol.RoomVersion;

/**
 * A row of {@code roomserver_rooms}.
 *
 * @param nid         the room's numeric id
 * @param roomId      the room id
 * @param version     the room version
 * @param snapshotNid the snapshot of its current state, 0 before it has any
 */
public record RoomRow(long nid, String roomId, RoomVersion version, long snapshotNid) {
}
