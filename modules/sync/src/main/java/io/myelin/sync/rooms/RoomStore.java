package io.myelin.sync.rooms;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;

import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;

/**
 * The tables of the rooms stream: {@code sync_events} (room events by position), {@code sync_state_changes}
 * (every change of a room's current state, which is also the membership history), {@code sync_current_state},
 * {@code sync_memberships} and {@code sync_purged_rooms}. Schemas in {@code db/<dialect>/001-rooms.sql} and
 * {@code 002-purged-rooms.sql}.
 */
public final class RoomStore {

    /** The state key type of memberships. */
    public static final String MEMBER = "m.room.member";

    private static final String MAX_POS = "SELECT COALESCE(MAX(p), 0) AS pos FROM (SELECT MAX(pos) AS p FROM"
            + " sync_events UNION ALL SELECT MAX(pos) AS p FROM sync_purged_rooms) m";
    private static final String UPSERT_PURGED = "INSERT INTO sync_purged_rooms (room_id, pos) VALUES (?, ?)"
            + " ON CONFLICT (room_id) DO UPDATE SET pos = excluded.pos";
    private static final List<String> PURGE = List.of(
            "DELETE FROM sync_events WHERE room_id = ?",
            "DELETE FROM sync_state_changes WHERE room_id = ?",
            "DELETE FROM sync_current_state WHERE room_id = ?",
            "DELETE FROM sync_memberships WHERE room_id = ?");
    static final String HAS_EVENT = "SELECT pos FROM sync_events WHERE event_id = ?";
    private static final String INSERT_EVENT = "INSERT INTO sync_events (pos, room_id, event_id, type, state_key,"
            + " sender, json, txn_id, redacted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)";
    // The event id, type, state key and sender columns repeat the JSON (redaction keeps them too), so reads take
    // them from it: the driver's cost grows with every column of every row read.
    private static final String COLUMNS = "pos, room_id, json, txn_id, redacted_by";
    private static final String EVENT_BY_ID = "SELECT " + COLUMNS + " FROM sync_events WHERE event_id = ?";
    private static final String RANGE_DESC = "SELECT " + COLUMNS + " FROM sync_events WHERE room_id = ?"
            + " AND pos > ? AND pos <= ? ORDER BY pos DESC LIMIT ?";
    private static final String RANGE_ASC = "SELECT " + COLUMNS + " FROM sync_events WHERE room_id = ?"
            + " AND pos > ? AND pos <= ? ORDER BY pos ASC LIMIT ?";
    private static final String ROOMS_RANGE = "SELECT " + COLUMNS + " FROM sync_events WHERE pos > ? AND pos <= ?"
            + " ORDER BY pos ASC LIMIT ?";
    private static final String ACTIVE_ROOMS = "SELECT DISTINCT room_id FROM sync_events WHERE pos > ? AND pos <= ?";
    private static final String SET_REDACTED = "UPDATE sync_events SET json = ?, redacted_by = ? WHERE event_id = ?";

    private static final String INSERT_CHANGE = "INSERT INTO sync_state_changes (pos, room_id, type, state_key,"
            + " event_id, membership) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String CHANGES_BEFORE = "SELECT pos, type, state_key, event_id, membership"
            + " FROM sync_state_changes WHERE room_id = ? AND pos < ? ORDER BY pos ASC";
    private static final String CHANGES_BETWEEN = "SELECT pos, type, state_key, event_id, membership"
            + " FROM sync_state_changes WHERE room_id = ? AND pos > ? AND pos < ? ORDER BY pos ASC";
    private static final String KEY_HISTORY = "SELECT pos, room_id, event_id, membership FROM sync_state_changes"
            + " WHERE room_id = ? AND type = ? AND state_key = ? ORDER BY pos ASC";
    private static final String USER_MEMBERSHIPS = "SELECT pos, room_id, event_id, membership"
            + " FROM sync_state_changes WHERE type = '" + MEMBER + "' AND state_key = ? AND pos <= ? ORDER BY pos ASC";

    private static final String UPSERT_CURRENT = "INSERT INTO sync_current_state (room_id, type, state_key, event_id,"
            + " pos) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, type, state_key) DO UPDATE SET"
            + " event_id = excluded.event_id, pos = excluded.pos";
    private static final String DELETE_CURRENT = "DELETE FROM sync_current_state WHERE room_id = ? AND type = ?"
            + " AND state_key = ?";
    private static final String CURRENT_BY_EVENT = "SELECT type, state_key FROM sync_current_state"
            + " WHERE room_id = ? AND event_id = ?";
    private static final String CURRENT_ONE = "SELECT event_id FROM sync_current_state WHERE room_id = ? AND type = ?"
            + " AND state_key = ?";
    private static final String CURRENT_ALL = "SELECT type, state_key, event_id FROM sync_current_state"
            + " WHERE room_id = ?";

    private static final String UPSERT_MEMBERSHIP = "INSERT INTO sync_memberships (room_id, user_id, membership,"
            + " event_id, pos) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, user_id) DO UPDATE SET"
            + " membership = excluded.membership, event_id = excluded.event_id, pos = excluded.pos";
    private static final String DELETE_MEMBERSHIP = "DELETE FROM sync_memberships WHERE room_id = ? AND user_id = ?";
    private static final String ROOM_MEMBERS = "SELECT user_id, membership FROM sync_memberships WHERE room_id = ?"
            + " ORDER BY pos";
    private static final String ROOM_MEMBERS_WITH = "SELECT user_id FROM sync_memberships WHERE room_id = ?"
            + " AND membership = ?";
    private static final String USER_ROOMS_WITH = "SELECT room_id FROM sync_memberships WHERE user_id = ?"
            + " AND membership = ?";

    private static final String LATEST_PART = "SELECT * FROM (SELECT " + COLUMNS + " FROM sync_events"
            + " WHERE room_id = ? AND pos > ? AND pos <= ? ORDER BY pos DESC LIMIT ?) AS r";
    private static final String ROOMS_CHANGES = "SELECT pos, room_id, type, state_key, event_id FROM sync_state_changes"
            + " WHERE room_id IN (%s) AND pos <= ? ORDER BY pos ASC";
    private static final String ROOMS_KEY_HISTORY = "SELECT pos, room_id, event_id, membership FROM sync_state_changes"
            + " WHERE room_id IN (%s) AND type = ? AND state_key = ? ORDER BY pos ASC";
    private static final String ROOMS_MEMBERS = "SELECT room_id, user_id, membership FROM sync_memberships"
            + " WHERE room_id IN (%s) ORDER BY pos";
    private static final String ROOMS_CURRENT_OF_TYPES = "SELECT room_id, type, state_key, event_id"
            + " FROM sync_current_state WHERE room_id IN (%s) AND type IN (%s) AND state_key = ''";

    private static final int BATCH = 100;

    private final Database db;

    /**
     * @param db the database
     */
    public RoomStore(Database db) {
        this.db = db;
    }

    /** @return the database */
    public Database db() {
        return db;
    }

    /**
     * Deletes a purged room's events, state, state changes and memberships, and records the purge at the stream's
     * position.
     *
     * @param tx       the transaction
     * @param roomId   the room
     * @param position the stream's position now
     */
    public void purgeRoom(DbExecute tx, String roomId, long position) {
        for (String sql : PURGE) {
            tx.delete(sql, roomId);
        }
        tx.insert(UPSERT_PURGED, roomId, position);
    }

    /** @return the greatest position written, 0 when none */
    public long maxPosition() {
        return db.client().execute().get(MAX_POS).map(row -> Rows.number(row, "pos")).orElse(0L);
    }

    boolean hasEvent(DbExecute tx, String eventId) {
        return tx.get(HAS_EVENT, eventId).isPresent();
    }

    void insertEvent(DbExecute tx, long pos, String roomId, JsonObject event, String txnId) {
        tx.insert(INSERT_EVENT, pos, roomId, event.getString("event_id"), event.getString("type", ""),
                event.getString("state_key", null), event.getString("sender", ""), event.toString(), txnId);
    }

    void setRedacted(DbExecute tx, String eventId, JsonObject redacted, String redactionId) {
        tx.update(SET_REDACTED, redacted.toString(), redactionId, eventId);
    }

    void addChange(DbExecute tx, long pos, String roomId, String type, String stateKey, String eventId,
                   String membership) {
        tx.insert(INSERT_CHANGE, pos, roomId, type, stateKey, eventId, membership);
    }

    void setCurrent(DbExecute tx, String roomId, String type, String stateKey, String eventId, long pos) {
        tx.insert(UPSERT_CURRENT, roomId, type, stateKey, eventId, pos);
    }

    void removeCurrent(DbExecute tx, String roomId, String type, String stateKey) {
        tx.delete(DELETE_CURRENT, roomId, type, stateKey);
    }

    Optional<String[]> currentKeyOf(DbExecute tx, String roomId, String eventId) {
        return tx.get(CURRENT_BY_EVENT, roomId, eventId)
                .map(row -> new String[] {Rows.text(row, "type"), Rows.text(row, "state_key")});
    }

    Optional<String> currentEventId(DbExecute tx, String roomId, String type, String stateKey) {
        return tx.get(CURRENT_ONE, roomId, type, stateKey).map(row -> Rows.text(row, "event_id"));
    }

    void setMembership(DbExecute tx, String roomId, String userId, String membership, String eventId, long pos) {
        tx.insert(UPSERT_MEMBERSHIP, roomId, userId, membership, eventId, pos);
    }

    void removeMembership(DbExecute tx, String roomId, String userId) {
        tx.delete(DELETE_MEMBERSHIP, roomId, userId);
    }

    /**
     * @param tx      where to read (a transaction, or {@code db.client().execute()})
     * @param eventId an event id
     * @return the event, if sync has it
     */
    public Optional<StreamEvent> event(DbExecute tx, String eventId) {
        return tx.get(EVENT_BY_ID, eventId).map(RoomStore::event);
    }

    /**
     * @param eventId an event id
     * @return the event, if sync has it
     */
    public Optional<StreamEvent> event(String eventId) {
        return event(db.client().execute(), eventId);
    }

    /**
     * @param eventIds event ids
     * @return the events sync has of them, by id
     */
    public Map<String, StreamEvent> events(Collection<String> eventIds) {
        Map<String, StreamEvent> found = new HashMap<>();
        List<String> ids = eventIds.stream().distinct().toList();
        DbExecute exec = db.client().execute();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + BATCH));
            String sql = "SELECT " + COLUMNS + " FROM sync_events WHERE event_id IN ("
                    + String.join(", ", Collections.nCopies(part.size(), "?")) + ")";
            exec.query(sql, part.toArray()).map(RoomStore::event).forEach(e -> found.put(e.eventId(), e));
        }
        return found;
    }

    /**
     * Events of a room in a range of positions.
     *
     * @param roomId     the room
     * @param after      positions above this
     * @param upTo       positions up to this, included
     * @param descending newest first
     * @param limit      at most this many
     * @return the events in the order asked
     */
    public List<StreamEvent> range(String roomId, long after, long upTo, boolean descending, int limit) {
        return db.client().execute().query(descending ? RANGE_DESC : RANGE_ASC, roomId, after, upTo, limit)
                .map(RoomStore::event).toList();
    }

    /**
     * Events of every room in a range of positions, oldest first.
     *
     * @param after positions above this
     * @param upTo  positions up to this, included
     * @param limit at most this many
     * @return the events
     */
    public List<StreamEvent> allRooms(long after, long upTo, int limit) {
        return db.client().execute().query(ROOMS_RANGE, after, upTo, limit).map(RoomStore::event).toList();
    }

    /**
     * @param after positions above this
     * @param upTo  positions up to this, included
     * @return the rooms with events in that range
     */
    public Set<String> activeRooms(long after, long upTo) {
        Set<String> rooms = new HashSet<>();
        db.client().execute().query(ACTIVE_ROOMS, after, upTo).forEach(row -> rooms.add(Rows.text(row, "room_id")));
        return rooms;
    }

    /**
     * A room's state just before a position: the last change of each key below it.
     *
     * @param roomId the room
     * @param before the position
     * @return event id by (type, state key), in no particular order
     */
    public Map<StateKey, String> stateBefore(String roomId, long before) {
        Map<StateKey, String> state = new LinkedHashMap<>();
        db.client().execute().query(CHANGES_BEFORE, roomId, before).forEach(row -> {
            StateKey key = new StateKey(Rows.text(row, "type"), Rows.text(row, "state_key"));
            String eventId = Rows.text(row, "event_id");
            if (eventId == null) {
                state.remove(key);
            } else {
                state.put(key, eventId);
            }
        });
        return state;
    }

    /**
     * The keys of a room's state that changed strictly between two positions, each with its last value.
     *
     * @param roomId the room
     * @param after  positions above this
     * @param before positions below this
     * @return event id (null when removed) by key
     */
    public Map<StateKey, String> changesBetween(String roomId, long after, long before) {
        Map<StateKey, String> changes = new LinkedHashMap<>();
        db.client().execute().query(CHANGES_BETWEEN, roomId, after, before).forEach(row -> changes.put(
                new StateKey(Rows.text(row, "type"), Rows.text(row, "state_key")), Rows.text(row, "event_id")));
        return changes;
    }

    /**
     * The history of one state key of a room, oldest first.
     *
     * @param roomId   the room
     * @param type     the type
     * @param stateKey the state key
     * @return the changes
     */
    public List<Change> history(String roomId, String type, String stateKey) {
        return db.client().execute().query(KEY_HISTORY, roomId, type, stateKey).map(RoomStore::change).toList();
    }

    /**
     * A user's membership changes in every room up to a position, oldest first.
     *
     * @param userId the user
     * @param upTo   the position
     * @return the changes
     */
    public List<Change> membershipHistory(String userId, long upTo) {
        return db.client().execute().query(USER_MEMBERSHIPS, userId, upTo).map(RoomStore::change).toList();
    }

    /**
     * @param roomId the room
     * @return its current state, event id by key
     */
    public Map<StateKey, String> currentState(String roomId) {
        Map<StateKey, String> state = new HashMap<>();
        db.client().execute().query(CURRENT_ALL, roomId).forEach(row -> state.put(
                new StateKey(Rows.text(row, "type"), Rows.text(row, "state_key")), Rows.text(row, "event_id")));
        return state;
    }

    /**
     * @param roomId the room
     * @return every user with a membership of it, membership by user, in the order of their membership events
     */
    public Map<String, String> members(String roomId) {
        Map<String, String> members = new LinkedHashMap<>();
        db.client().execute().query(ROOM_MEMBERS, roomId)
                .forEach(row -> members.put(Rows.text(row, "user_id"), Rows.text(row, "membership")));
        return members;
    }

    /**
     * @param tx         where to read
     * @param roomId     the room
     * @param membership a membership
     * @return the users with it
     */
    public List<String> members(DbExecute tx, String roomId, String membership) {
        return tx.query(ROOM_MEMBERS_WITH, roomId, membership).map(row -> Rows.text(row, "user_id")).toList();
    }

    /**
     * @param userId     the user
     * @param membership a membership
     * @return the rooms where the user has it now
     */
    public List<String> roomsOf(String userId, String membership) {
        return db.client().execute().query(USER_ROOMS_WITH, userId, membership)
                .map(row -> Rows.text(row, "room_id")).toList();
    }

    /**
     * The first page of a backward read of each of many rooms, as {@link #range} with {@code descending} would
     * read them one by one.
     *
     * @param ranges the rooms and their bounds
     * @return each room's events, newest first, by room
     */
    public Map<String, List<StreamEvent>> latest(Collection<Range> ranges) {
        Map<String, List<StreamEvent>> found = new HashMap<>();
        List<Range> all = List.copyOf(ranges);
        DbExecute exec = db.client().execute();
        for (int from = 0; from < all.size(); from += BATCH) {
            List<Range> part = all.subList(from, Math.min(all.size(), from + BATCH));
            // One bounded read per room on its (room_id, pos) index, not a window over whole rooms.
            List<String> parts = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            for (Range range : part) {
                parts.add(LATEST_PART + parts.size());
                params.addAll(List.of(range.roomId(), range.after(), range.upTo(), range.limit()));
                found.put(range.roomId(), new ArrayList<>());
            }
            exec.query(String.join(" UNION ALL ", parts), params.toArray()).map(RoomStore::event)
                    .forEach(e -> found.get(e.roomId()).add(e));
        }
        found.values().forEach(events -> events.sort((a, b) -> Long.compare(b.pos(), a.pos())));
        return found;
    }

    /**
     * The state changes of many rooms up to a position, from which {@link #stateBefore} can be taken for any
     * position up to one past it.
     *
     * @param roomIds the rooms
     * @param upTo    the last position, included
     * @return each room's changes, oldest first, by room (rooms without any are absent)
     */
    public Map<String, List<KeyChange>> stateChanges(Collection<String> roomIds, long upTo) {
        Map<String, List<KeyChange>> changes = new HashMap<>();
        inRooms(roomIds, ROOMS_CHANGES, List.of(upTo), row -> changes
                .computeIfAbsent(Rows.text(row, "room_id"), r -> new ArrayList<>())
                .add(new KeyChange(Rows.number(row, "pos"), new StateKey(Rows.text(row, "type"),
                        Rows.text(row, "state_key")), Rows.text(row, "event_id"))));
        return changes;
    }

    /**
     * A room's state just before a position, from its changes.
     *
     * @param changes the room's changes, oldest first, read up to at least {@code before - 1}
     * @param before  the position
     * @return event id by (type, state key), as {@link #stateBefore(String, long)} gives it
     */
    public static Map<StateKey, String> stateBefore(List<KeyChange> changes, long before) {
        Map<StateKey, String> state = new LinkedHashMap<>();
        for (KeyChange change : changes) {
            if (change.pos() >= before) {
                break;
            }
            if (change.eventId() == null) {
                state.remove(change.key());
            } else {
                state.put(change.key(), change.eventId());
            }
        }
        return state;
    }

    /**
     * The history of one state key in each of many rooms, as {@link #history} gives it room by room.
     *
     * @param roomIds  the rooms
     * @param type     the type
     * @param stateKey the state key
     * @return each room's changes, oldest first, by room (rooms without any are absent)
     */
    public Map<String, List<Change>> histories(Collection<String> roomIds, String type, String stateKey) {
        Map<String, List<Change>> changes = new HashMap<>();
        inRooms(roomIds, ROOMS_KEY_HISTORY, List.of(type, stateKey), row -> {
            Change change = change(row);
            changes.computeIfAbsent(change.roomId(), r -> new ArrayList<>()).add(change);
        });
        return changes;
    }

    /**
     * @param roomIds rooms
     * @return every user with a membership of each, as {@link #members(String)} gives it, by room (rooms without
     *         members are absent)
     */
    public Map<String, Map<String, String>> members(Collection<String> roomIds) {
        Map<String, Map<String, String>> members = new HashMap<>();
        inRooms(roomIds, ROOMS_MEMBERS, List.of(), row -> members
                .computeIfAbsent(Rows.text(row, "room_id"), r -> new LinkedHashMap<>())
                .put(Rows.text(row, "user_id"), Rows.text(row, "membership")));
        return members;
    }

    /**
     * @param roomIds rooms
     * @param types   state types, each with the empty state key
     * @return the current event id of each of those keys that is set, by key, by room
     */
    public Map<String, Map<StateKey, String>> currentOfTypes(Collection<String> roomIds, List<String> types) {
        Map<String, Map<StateKey, String>> state = new HashMap<>();
        String sql = String.format(Locale.ROOT, ROOMS_CURRENT_OF_TYPES, "%s", marks(types.size()));
        inRooms(roomIds, sql, types, row -> state.computeIfAbsent(Rows.text(row, "room_id"), r -> new HashMap<>())
                .put(new StateKey(Rows.text(row, "type"), Rows.text(row, "state_key")), Rows.text(row, "event_id")));
        return state;
    }

    /** Runs a query whose first {@code %s} takes a list of rooms, BATCH rooms at a time. */
    private void inRooms(Collection<String> roomIds, String sql, List<?> params,
                         Consumer<DbRow> each) {
        List<String> ids = roomIds.stream().distinct().toList();
        DbExecute exec = db.client().execute();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + BATCH));
            List<Object> all = new ArrayList<>(part);
            all.addAll(params);
            exec.query(String.format(Locale.ROOT, sql, marks(part.size())), all.toArray()).forEach(each);
        }
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private static StreamEvent event(DbRow row) {
        JsonObject json;
        try (var reader = JsonSupport.provider().createReader(new StringReader(Rows.text(row, "json")))) {
            json = reader.readObject();
        }
        return new StreamEvent(Rows.number(row, "pos"), Rows.text(row, "room_id"), json.getString("event_id"),
                json.getString("type", ""), json.getString("state_key", null), json.getString("sender", ""), json,
                Rows.text(row, "txn_id"), Rows.text(row, "redacted_by"));
    }

    private static Change change(DbRow row) {
        return new Change(Rows.number(row, "pos"), Rows.text(row, "room_id"), Rows.text(row, "event_id"),
                Rows.text(row, "membership"));
    }

    /**
     * One change of a state key.
     *
     * @param pos        where it happened
     * @param roomId     the room (null where the query did not read it)
     * @param eventId    the new event, or null when the key left the state
     * @param membership for memberships, the new membership
     */
    public record Change(long pos, String roomId, String eventId, String membership) {
    }

    /**
     * A bounded backward read of one room.
     *
     * @param roomId the room
     * @param after  positions above this
     * @param upTo   positions up to this, included
     * @param limit  at most this many
     */
    public record Range(String roomId, long after, long upTo, int limit) {
    }

    /**
     * One change of a room's state.
     *
     * @param pos     where it happened
     * @param key     the key
     * @param eventId the new event, or null when the key left the state
     */
    public record KeyChange(long pos, StateKey key, String eventId) {
    }

    /**
     * A state key.
     *
     * @param type     the event type
     * @param stateKey the state key
     */
    public record StateKey(String type, String stateKey) {
    }

    static List<String> strings(jakarta.json.JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> out.add(((jakarta.json.JsonString) v).getString()));
        }
        return out;
    }
}
