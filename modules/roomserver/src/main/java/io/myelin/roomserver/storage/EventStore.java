package io.myelin.roomserver.storage;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.cache.Cache;
import io.myelin.api.cache.CacheSpec;
import io.myelin.api.cache.Caches;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;
import io.myelin.protocol.RoomVersion;
import io.myelin.protocol.event.Pdu;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;

/**
 * The tables {@code roomserver_rooms}, {@code roomserver_event_types}, {@code roomserver_event_state_keys},
 * {@code roomserver_events} and {@code roomserver_previous_events}, with the caches in front of them.
 */
public final class EventStore {

    private static final String SELECT_ROOM =
            "SELECT room_nid, room_id, room_version, state_snapshot_nid FROM roomserver_rooms WHERE room_id = ?";
    private static final String SELECT_ROOM_BY_NID =
            "SELECT room_nid, room_id, room_version, state_snapshot_nid FROM roomserver_rooms WHERE room_nid = ?";
    private static final String INSERT_ROOM = "INSERT INTO roomserver_rooms (room_id, room_version) VALUES (?, ?)"
            + " ON CONFLICT DO NOTHING";
    private static final String UPDATE_ROOM_SNAPSHOT =
            "UPDATE roomserver_rooms SET state_snapshot_nid = ? WHERE room_nid = ?";
    private static final String INSERT_TYPE =
            "INSERT INTO roomserver_event_types (event_type) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String SELECT_TYPE =
            "SELECT event_type_nid FROM roomserver_event_types WHERE event_type = ?";
    private static final String SELECT_TYPE_NAME =
            "SELECT event_type FROM roomserver_event_types WHERE event_type_nid = ?";
    private static final String INSERT_STATE_KEY =
            "INSERT INTO roomserver_event_state_keys (event_state_key) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String SELECT_STATE_KEY =
            "SELECT event_state_key_nid FROM roomserver_event_state_keys WHERE event_state_key = ?";
    private static final String SELECT_STATE_KEY_NAME =
            "SELECT event_state_key FROM roomserver_event_state_keys WHERE event_state_key_nid = ?";
    private static final String EVENT_COLUMNS = "SELECT e.event_nid, e.room_nid, e.event_json, e.state_snapshot_nid,"
            + " e.outlier, e.rejected, e.soft_failed, e.redacted_by, r.room_version FROM roomserver_events e"
            + " JOIN roomserver_rooms r ON r.room_nid = e.room_nid";
    private static final String SELECT_EVENT = EVENT_COLUMNS + " WHERE e.event_id = ?";
    /** A user's accepted membership events in a room deeper than a depth (index roomserver_events_state_key). */
    private static final String SELECT_MEMBERSHIPS_AFTER = "SELECT e.event_json FROM roomserver_events e"
            + " JOIN roomserver_event_state_keys k ON k.event_state_key_nid = e.event_state_key_nid"
            + " JOIN roomserver_event_types t ON t.event_type_nid = e.event_type_nid"
            + " WHERE e.room_nid = ? AND k.event_state_key = ? AND t.event_type = 'm.room.member' AND e.depth > ?"
            + " AND e.state_snapshot_nid <> 0 AND e.rejected = 0 AND e.soft_failed = 0";
    private static final String INSERT_EVENT = "INSERT INTO roomserver_events (room_nid, event_id, event_type_nid,"
            + " event_state_key_nid, depth, event_json, outlier, rejected, rejection_reason, soft_failed,"
            + " state_snapshot_nid, state_before_nid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " RETURNING event_nid";
    private static final String UPGRADE_OUTLIER = "UPDATE roomserver_events SET outlier = 0, rejected = ?,"
            + " rejection_reason = ?, soft_failed = ?, state_snapshot_nid = ?, state_before_nid = ?"
            + " WHERE event_nid = ?";
    private static final String SELECT_STATE_BEFORE =
            "SELECT state_before_nid FROM roomserver_events WHERE event_id = ? AND state_before_nid IS NOT NULL";
    private static final String UPDATE_EVENT_SNAPSHOT =
            "UPDATE roomserver_events SET state_snapshot_nid = ? WHERE event_nid = ?";
    private static final String UPDATE_REDACTED_BY =
            "UPDATE roomserver_events SET redacted_by = ? WHERE event_id = ?";
    private static final String INSERT_PREVIOUS = "INSERT INTO roomserver_previous_events (previous_event_id,"
            + " event_nid) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String SELECT_REFERENCED =
            "SELECT event_nid FROM roomserver_previous_events WHERE previous_event_id = ? LIMIT 1";

    private final Database db;
    private final Cache<String, Long> typeNids;
    private final Cache<Long, String> typeNames;
    private final Cache<String, Long> stateKeyNids;
    private final Cache<Long, String> stateKeyNames;
    private final Cache<String, StoredEvent> events;
    private final Cache<Long, String> eventIds;
    // Events written by this thread's open write, visible to it before they commit (a room's batch of inputs).
    private final ThreadLocal<Map<String, StoredEvent>> staged = new ThreadLocal<>();

    /**
     * @param db     the database
     * @param caches the cache tier
     */
    public EventStore(Database db, Caches caches) {
        this.db = db;
        // An event's cost is estimated from its content's size, without serialising it again.
        this.events = caches.cache(new CacheSpec<>("roomserver_events", String.class, StoredEvent.class,
                (id, e) -> 600L + 2L * id.length() + 400L * e.pdu().content().size()));
        this.eventIds = caches.cache(new CacheSpec<>("roomserver_event_ids", Long.class, String.class,
                (nid, id) -> 64L + 2L * id.length()));
        CacheSpec.Weigher<String, Long> byName = (name, nid) -> 96L + 2L * name.length();
        CacheSpec.Weigher<Long, String> byNid = (nid, name) -> 96L + 2L * name.length();
        this.typeNids = caches.cache(new CacheSpec<>("roomserver_event_type_nids", String.class, Long.class, byName));
        this.typeNames = caches.cache(new CacheSpec<>("roomserver_event_types", Long.class, String.class, byNid));
        this.stateKeyNids = caches.cache(new CacheSpec<>("roomserver_state_key_nids", String.class, Long.class,
                byName));
        this.stateKeyNames = caches.cache(new CacheSpec<>("roomserver_state_keys", Long.class, String.class, byNid));
    }

    /** @return the database */
    public Database db() {
        return db;
    }

    /**
     * @param roomId the room id
     * @return the room, or null when this server has none of that id
     */
    public RoomRow room(String roomId) {
        return db.client().execute().get(SELECT_ROOM, roomId).map(EventStore::roomRow).orElse(null);
    }

    /**
     * Creates the room row if absent.
     *
     * @param roomId  the room id
     * @param version the version
     * @return the room
     */
    public RoomRow createRoom(String roomId, RoomVersion version) {
        return db.write(tx -> {
            tx.insert(INSERT_ROOM, roomId, version.id());
            return tx.get(SELECT_ROOM, roomId).map(EventStore::roomRow).orElseThrow();
        });
    }

    /**
     * @param tx          the transaction
     * @param roomNid     the room
     * @param snapshotNid its new current state
     */
    public void setRoomSnapshot(DbExecute tx, long roomNid, long snapshotNid) {
        tx.update(UPDATE_ROOM_SNAPSHOT, snapshotNid, roomNid);
    }

    private static RoomRow roomRow(DbRow row) {
        return new RoomRow(Rows.number(row, "room_nid"), Rows.text(row, "room_id"),
                RoomVersion.of(Rows.text(row, "room_version")).orElseThrow(),
                Rows.number(row, "state_snapshot_nid"));
    }

    /**
     * The numeric id of an event type, assigned in a transaction of its own if new, so that a rolled-back
     * event never leaves a cached id without a row.
     *
     * @param type the type
     * @return its id
     */
    public long typeNid(String type) {
        return nid(type, typeNids, typeNames, INSERT_TYPE, SELECT_TYPE, "event_type_nid");
    }

    /**
     * @param stateKey the state key
     * @return its numeric id, assigned if new
     */
    public long stateKeyNid(String stateKey) {
        return nid(stateKey, stateKeyNids, stateKeyNames, INSERT_STATE_KEY, SELECT_STATE_KEY, "event_state_key_nid");
    }

    /**
     * @param nid a type id
     * @return the type
     */
    public String type(long nid) {
        return typeNames.get(nid, n -> db.client().execute().get(SELECT_TYPE_NAME, n)
                .map(r -> Rows.text(r, "event_type")).orElseThrow());
    }

    /**
     * @param nid a state key id
     * @return the state key
     */
    public String stateKey(long nid) {
        return stateKeyNames.get(nid, n -> db.client().execute().get(SELECT_STATE_KEY_NAME, n)
                .map(r -> Rows.text(r, "event_state_key")).orElseThrow());
    }

    private long nid(String name, Cache<String, Long> nids, Cache<Long, String> names, String insert,
                     String select, String column) {
        Long known = nids.get(name);
        if (known != null) {
            return known;
        }
        long nid = db.client().execute().get(select, name).map(r -> Rows.number(r, column))
                .orElseGet(() -> db.write(tx -> {
                    tx.insert(insert, name);
                    return tx.get(select, name).map(r -> Rows.number(r, column)).orElseThrow();
                }));
        // Inside a larger write the row exists only once that write commits: cache it then, never before.
        db.afterCommit(() -> {
            nids.put(name, nid);
            names.put(nid, name);
        });
        return nid;
    }

    /**
     * @param eventId the event id
     * @return the stored event, or null when unknown
     */
    public StoredEvent event(String eventId) {
        Map<String, StoredEvent> pending = staged.get();
        if (pending != null) {
            StoredEvent e = pending.get(eventId);
            if (e != null) {
                return e;
            }
        }
        return events.get(eventId, id -> db.client().execute().get(SELECT_EVENT, id).map(EventStore::eventRow)
                .orElse(null));
    }

    /**
     * @param ids event ids
     * @return the known ones, by id
     */
    public Map<String, StoredEvent> events(Collection<String> ids) {
        Map<String, StoredEvent> found = new HashMap<>();
        for (String id : ids) {
            StoredEvent e = event(id);
            if (e != null) {
                found.put(id, e);
            }
        }
        return found;
    }

    /**
     * @param nid an event's numeric id
     * @return its event id
     */
    public String eventId(long nid) {
        return eventIds.get(nid, n -> db.client().execute()
                .get("SELECT event_id FROM roomserver_events WHERE event_nid = ?", n)
                .map(r -> Rows.text(r, "event_id")).orElseThrow());
    }

    /**
     * Event ids of many numeric ids at once.
     *
     * @param nids the numeric ids
     * @return id by numeric id
     */
    public Map<Long, String> eventIds(Collection<Long> nids) {
        Map<Long, String> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Long nid : nids) {
            String id = eventIds.get(nid);
            if (id == null) {
                missing.add(nid);
            } else {
                found.put(nid, id);
            }
        }
        for (int from = 0; from < missing.size(); from += 500) {
            List<Long> part = missing.subList(from, Math.min(missing.size(), from + 500));
            db.client().execute().query("SELECT event_nid, event_id FROM roomserver_events WHERE event_nid IN ("
                    + Rows.placeholders(part.size()) + ")", part.toArray()).forEach(r -> {
                        long nid = Rows.number(r, "event_nid");
                        String id = Rows.text(r, "event_id");
                        eventIds.put(nid, id);
                        found.put(nid, id);
                    });
        }
        return found;
    }

    /**
     * Whether a user has an accepted {@code join} event in a room deeper than a depth. Outliers, rejected and
     * soft-failed events do not count.
     *
     * @param roomNid the room
     * @param userId  the user
     * @param depth   the depth to pass
     * @return whether such a join exists
     */
    public boolean joinedAfter(long roomNid, String userId, long depth) {
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_MEMBERSHIPS_AFTER, roomNid, userId, depth)) {
            return rows.anyMatch(r -> "join".equals(membership(Rows.text(r, "event_json"))));
        }
    }

    private static String membership(String eventJson) {
        try (var reader = JsonSupport.provider().createReader(new StringReader(eventJson))) {
            JsonObject content = reader.readObject().getJsonObject("content");
            return content == null ? null : JsonSupport.stringOrNull(content, "membership");
        }
    }

    private static StoredEvent eventRow(DbRow row) {
        RoomVersion version = RoomVersion.of(Rows.text(row, "room_version")).orElseThrow();
        String text = Rows.text(row, "event_json");
        JsonObject json;
        try (var reader = JsonSupport.provider().createReader(new StringReader(text))) {
            json = reader.readObject();
        }
        // Kept as text, as cached events are; the tree is parsed again when asked for.
        return new StoredEvent(Rows.number(row, "event_nid"), Rows.number(row, "room_nid"),
                Pdu.parse(version, json).compact(text),
                Rows.flag(row, "outlier"), Rows.flag(row, "rejected"), Rows.flag(row, "soft_failed"),
                Rows.number(row, "state_snapshot_nid"), Rows.text(row, "redacted_by"));
    }

    /**
     * Inserts an event, or turns a stored outlier into an event of the graph. The caller assigned the type and
     * state key ids beforehand. The cache learns of it once the transaction commits.
     *
     * @param tx             the transaction
     * @param roomNid        the room
     * @param pdu            the event
     * @param eventJson      its JSON text, as stored
     * @param previous       the stored outlier it replaces, or null
     * @param outlier        whether it is an outlier
     * @param rejection      why it was rejected, or null
     * @param softFailed     whether it soft-failed
     * @param snapshotNid    the state after it when known already, else 0
     * @param beforeNid      the state before it (0 for none), or null for an outlier
     * @return its numeric id
     */
    public long insertEvent(DbExecute tx, long roomNid, Pdu pdu, String eventJson, StoredEvent previous,
                            boolean outlier, String rejection, boolean softFailed, long snapshotNid, Long beforeNid) {
        long nid;
        if (previous != null) {
            nid = previous.nid();
            tx.update(UPGRADE_OUTLIER, rejection == null ? 0 : 1, rejection, softFailed ? 1 : 0, snapshotNid,
                    beforeNid, nid);
        } else {
            Long stateKeyNid = pdu.stateKey() == null ? null : stateKeyNid(pdu.stateKey());
            nid = tx.get(INSERT_EVENT, roomNid, pdu.eventId(), typeNid(pdu.type()), stateKeyNid, pdu.depth(),
                    eventJson, outlier ? 1 : 0, rejection == null ? 0 : 1, rejection,
                    softFailed ? 1 : 0, snapshotNid, beforeNid).map(r -> Rows.number(r, "event_nid")).orElseThrow();
        }
        // Only events of the graph count as naming their previous events; a rejected one names nothing.
        if (!outlier && rejection == null && !softFailed) {
            for (String prev : pdu.prevEventIds()) {
                tx.insert(INSERT_PREVIOUS, prev, nid);
            }
        }
        return nid;
    }

    /**
     * The state an event was authorised against. Read from storage each time: only queries ask for it.
     *
     * @param eventId the event
     * @return its snapshot (0 for the empty state), or empty when unknown: an outlier, an unknown event, or one
     *         stored before the roomserver kept it whose state before could not be worked out
     */
    public java.util.OptionalLong stateBeforeNid(String eventId) {
        return db.client().execute().get(SELECT_STATE_BEFORE, eventId)
                .map(r -> java.util.OptionalLong.of(Rows.number(r, "state_before_nid")))
                .orElse(java.util.OptionalLong.empty());
    }

    /**
     * @param tx          the transaction
     * @param eventNid    the event
     * @param snapshotNid the state after it
     */
    public void setEventSnapshot(DbExecute tx, long eventNid, long snapshotNid) {
        tx.update(UPDATE_EVENT_SNAPSHOT, snapshotNid, eventNid);
    }

    /**
     * @param tx        the transaction
     * @param eventId   the redacted event
     * @param redaction the redaction
     */
    public void setRedactedBy(DbExecute tx, String eventId, String redaction) {
        tx.update(UPDATE_REDACTED_BY, redaction, eventId);
    }

    /**
     * Caches an event just committed.
     *
     * @param event the event
     */
    public void remember(StoredEvent event) {
        events.put(event.eventId(), event);
        eventIds.put(event.nid(), event.eventId());
    }

    /**
     * Makes an event just written visible: at once when its write has committed; inside a larger write that has
     * not, only to this thread until that write commits, and then to everyone.
     *
     * @param event the event
     */
    public void stage(StoredEvent event) {
        boolean[] committed = {false};
        db.afterCommit(() -> {
            remember(event);
            committed[0] = true;
        });
        if (!committed[0]) {
            Map<String, StoredEvent> pending = staged.get();
            if (pending == null) {
                pending = new HashMap<>();
                staged.set(pending);
            }
            pending.put(event.eventId(), event);
        }
    }

    /**
     * Drops what this thread staged; called when its write ended, committed or not.
     */
    public void unstage() {
        staged.remove();
    }

    /**
     * Forgets a cached event, for example after a failed transaction.
     *
     * @param eventId the event id
     */
    public void forget(String eventId) {
        events.remove(eventId);
    }

    /**
     * @param tx      the transaction
     * @param eventId an event id
     * @return whether a stored event names it in {@code prev_events}
     */
    public boolean referenced(DbExecute tx, String eventId) {
        return tx.get(SELECT_REFERENCED, eventId).isPresent();
    }

    /**
     * @param roomNid a room's numeric id
     * @return the room
     */
    public RoomRow roomByNid(long roomNid) {
        return db.client().execute().get(SELECT_ROOM_BY_NID, roomNid).map(EventStore::roomRow).orElseThrow();
    }
}
