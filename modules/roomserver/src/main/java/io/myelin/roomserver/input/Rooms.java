package io.myelin.roomserver.input;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.myelin.roomserver.storage.EventStore;
import io.myelin.roomserver.storage.RoomRow;
import io.myelin.roomserver.storage.RoomTables;
import io.myelin.roomserver.storage.StateStore;
import io.myelin.roomserver.storage.StoredEvent;

/**
 * The in-memory contexts of the rooms in use, loaded from storage on first use. At most a configured number are
 * kept: past it, the rooms used least lately are dropped and loaded again when next used. A room with work in
 * its queue is pinned and never dropped, so that its worker always builds on the one context that holds its
 * latest position, including a write not yet committed.
 *
 * <p>Not yet: a context is trusted for the life of the process, so two processes must never take input for the
 * same room (one roomserver per deployment for now); a context is not reloaded when another process moved the
 * room on.
 */
public final class Rooms {

    /** How many room contexts are kept when the configuration does not say. */
    public static final int DEFAULT_CONTEXTS = 10_000;

    private final EventStore events;
    private final StateStore states;
    private final RoomTables tables;
    private final int max;
    private final Map<String, RoomContext> rooms = new ConcurrentHashMap<>();
    // Rooms whose queue has work; changed only inside the rooms map's lock for the room, as evictions are.
    private final Map<String, Boolean> pinned = new ConcurrentHashMap<>();
    private final AtomicBoolean evicting = new AtomicBoolean();

    /**
     * @param events the events
     * @param states the state snapshots
     * @param tables the room tables
     * @param max    the most contexts to keep, beyond those of rooms with work queued
     */
    public Rooms(EventStore events, StateStore states, RoomTables tables, int max) {
        this.events = events;
        this.states = states;
        this.tables = tables;
        this.max = max;
    }

    /**
     * @param roomId the room
     * @return its context, or null when this server has no such room
     */
    public RoomContext get(String roomId) {
        RoomContext known = rooms.get(roomId);
        if (known == null) {
            // Read under the map's lock for the room, so that no eviction or other load runs beside it and the
            // row is never older than a context its worker dropped meanwhile.
            known = rooms.computeIfAbsent(roomId, id -> {
                RoomRow row = events.room(id);
                return row == null ? null : load(row);
            });
            if (known == null) {
                return null;
            }
            known.used();
            evictIfFull();
            return known;
        }
        known.used();
        return known;
    }

    /** @return how many contexts are in memory */
    public int size() {
        return rooms.size();
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
        room.used();
        events.db().afterCommit(() -> {
            rooms.putIfAbsent(row.roomId(), room);
            evictIfFull();
        });
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
     * Keeps a room's context from eviction while its queue has work; called before its worker first asks for it.
     *
     * @param roomId the room
     */
    public void pin(String roomId) {
        rooms.compute(roomId, (id, room) -> {
            pinned.put(id, Boolean.TRUE);
            return room;
        });
    }

    /**
     * Lets a room's context be evicted again, once its queue is empty.
     *
     * @param roomId the room
     */
    public void unpin(String roomId) {
        rooms.compute(roomId, (id, room) -> {
            pinned.remove(id);
            return room;
        });
    }

    /**
     * Drops a room's context, so that the next use reloads it from storage; after a failed write.
     *
     * @param roomId the room
     */
    void forget(String roomId) {
        rooms.remove(roomId);
    }

    /** Past the limit, drops the contexts of idle rooms used least lately, down to nine tenths of it. */
    private void evictIfFull() {
        if (rooms.size() <= max || !evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            int excess = rooms.size() - (max - max / 10);
            List<Map.Entry<String, RoomContext>> idle = rooms.entrySet().stream()
                    .filter(e -> !pinned.containsKey(e.getKey()))
                    .sorted(Comparator.comparingLong(e -> e.getValue().lastUsed()))
                    .limit(Math.max(0, excess)).toList();
            for (var entry : idle) {
                rooms.computeIfPresent(entry.getKey(),
                        (id, room) -> room == entry.getValue() && !pinned.containsKey(id) ? null : room);
            }
        } finally {
            evicting.set(false);
        }
    }
}
