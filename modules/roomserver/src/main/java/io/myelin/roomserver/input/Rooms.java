package io.myelin.roomserver.input;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomRow;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StateStore;
import io.myelin.roomserver.storage.StoredEvent;

/**
 * The in-memory contexts of the rooms in use, loaded from storage on first use.
 *
 * <p>Not yet: a context is trusted for the life of the process, so two processes must never take input for the
 * same room (one roomserver per deployment for now); a context is not reloaded when another process moved the
 * room on.
 */
public final class Rooms {

    private final EventStore events;
    private final StateStore states;
    private final RoomTables tables;
    private final Map<String, RoomContext> rooms = new ConcurrentHashMap<>();

    /**
     * @param events the events
     * @param states the state snapshots
     * @param tables the room tables
     */
    public Rooms(EventStore events, StateStore states, RoomTables tables) {
        this.events = events;
        this.states = states;
        this.tables = tables;
    }

    /**
     * @param roomId the room
     * @return its context, or null when this server has no such room
     */
    public RoomContext get(String roomId) {
        RoomContext known = rooms.get(roomId);
        if (known != null) {
            return known;
        }
        RoomRow row = events.room(roomId);
        return row == null ? null : rooms.computeIfAbsent(roomId, id -> load(row));
    }

    /**
     * The context of a room whose row the caller's write just inserted: used by that write, and known to everyone
     * once it commits (not at all when it rolls back).
     *
     * @param row the new room's row
     * @return its context, with no state and no events
     */
    RoomContext created(RoomRow row) {
        RoomContext room = new RoomContext(row.nid(), row.roomId(), row.version(),
                new RoomContext.Head(0, Map.of(), List.of(), 0));
        events.db().afterCommit(() -> rooms.putIfAbsent(row.roomId(), room));
        return room;
    }

    RoomContext load(RoomRow row) {
        List<String> extremities = tables.extremities(row.nid());
        long depth = 0;
        for (StoredEvent e : events.events(extremities).values()) {
            depth = Math.max(depth, e.pdu().depth());
        }
        return new RoomContext(row.nid(), row.roomId(), row.version(),
                new RoomContext.Head(row.snapshotNid(), states.load(row.snapshotNid()), extremities, depth));
    }

    /**
     * Drops a room's context, so that the next use reloads it from storage; after a failed write.
     *
     * @param roomId the room
     */
    void forget(String roomId) {
        rooms.remove(roomId);
    }
}
