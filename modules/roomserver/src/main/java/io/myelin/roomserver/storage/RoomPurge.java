package io.myelin.roomserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.helidon.dbclient.DbExecute;

import io.myelin.api.storage.Rows;

/**
 * Deletes a room from every roomserver table: its events and what names them (previous events, redactions), its
 * state blocks and snapshots, extremities, memberships, transaction ids, local aliases and the room row. The
 * numeric ids of event types and state keys are shared by all rooms and stay.
 */
public final class RoomPurge {

    private static final String SELECT_SNAPSHOTS =
            "SELECT state_snapshot_nid, block_nids FROM roomserver_state_snapshots WHERE room_nid = ?";
    private static final String ROOM_EVENTS = "SELECT event_nid FROM roomserver_events WHERE room_nid = ?";
    private static final String ROOM_EVENT_IDS = "SELECT event_id FROM roomserver_events WHERE room_nid = ?";
    private static final String DELETE_PREVIOUS =
            "DELETE FROM roomserver_previous_events WHERE event_nid IN (" + ROOM_EVENTS + ")";
    private static final String DELETE_REDACTIONS = "DELETE FROM roomserver_redactions WHERE redaction_event_id IN ("
            + ROOM_EVENT_IDS + ") OR redacts_event_id IN (" + ROOM_EVENT_IDS + ")";
    private static final String DELETE_EXTREMITIES = "DELETE FROM roomserver_forward_extremities WHERE room_nid = ?";
    private static final String DELETE_MEMBERSHIP = "DELETE FROM roomserver_membership WHERE room_nid = ?";
    private static final String DELETE_SNAPSHOTS = "DELETE FROM roomserver_state_snapshots WHERE room_nid = ?";
    private static final String DELETE_BLOCKS = "DELETE FROM roomserver_state_blocks WHERE state_block_nid IN (";
    private static final String DELETE_EVENTS = "DELETE FROM roomserver_events WHERE room_nid = ?";
    private static final String DELETE_TRANSACTIONS = "DELETE FROM roomserver_transactions WHERE room_id = ?";
    private static final String DELETE_ALIASES = "DELETE FROM roomserver_room_aliases WHERE room_id = ?";
    private static final String DELETE_ROOM = "DELETE FROM roomserver_rooms WHERE room_nid = ?";
    /** How many state blocks one statement deletes at most. */
    private static final int CHUNK = 500;

    private RoomPurge() {
    }

    /**
     * What a purge deleted, for the caches to forget.
     *
     * @param eventIds     the room's events
     * @param snapshotNids the room's state snapshots
     */
    public record Purged(List<String> eventIds, List<Long> snapshotNids) {
    }

    /**
     * Deletes the room's rows.
     *
     * @param tx      the transaction
     * @param roomNid the room's numeric id
     * @param roomId  the room id
     * @return what was deleted
     */
    public static Purged purge(DbExecute tx, long roomNid, String roomId) {
        List<String> eventIds = tx.query(ROOM_EVENT_IDS, roomNid).map(r -> Rows.text(r, "event_id")).toList();
        List<Long> snapshots = new ArrayList<>();
        // A block holds event numeric ids, which belong to one room: the room's snapshots are its blocks' only users.
        TreeSet<Long> blocks = new TreeSet<>();
        tx.query(SELECT_SNAPSHOTS, roomNid).forEach(r -> {
            snapshots.add(Rows.number(r, "state_snapshot_nid"));
            String list = Rows.text(r, "block_nids");
            if (!list.isEmpty()) {
                for (String nid : list.split(",")) {
                    blocks.add(Long.valueOf(nid));
                }
            }
        });

        tx.delete(DELETE_PREVIOUS, roomNid);
        tx.delete(DELETE_REDACTIONS, roomNid, roomNid);
        tx.delete(DELETE_EXTREMITIES, roomNid);
        tx.delete(DELETE_MEMBERSHIP, roomNid);
        tx.delete(DELETE_SNAPSHOTS, roomNid);
        List<Long> all = List.copyOf(blocks);
        for (int i = 0; i < all.size(); i += CHUNK) {
            List<Long> chunk = all.subList(i, Math.min(all.size(), i + CHUNK));
            tx.delete(DELETE_BLOCKS + Rows.placeholders(chunk.size()) + ")", chunk.toArray());
        }
        tx.delete(DELETE_EVENTS, roomNid);
        tx.delete(DELETE_TRANSACTIONS, roomId);
        tx.delete(DELETE_ALIASES, roomId);
        tx.delete(DELETE_ROOM, roomNid);
        return new Purged(eventIds, List.copyOf(snapshots));
    }
}
