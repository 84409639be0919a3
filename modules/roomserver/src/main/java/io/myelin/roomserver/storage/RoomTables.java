package io.myelin.roomserver.storage;

import java.util.ArrayList;
import java.util.List;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.roomserver.Membership;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

/**
 * The per-room tables beside the events: {@code roomserver_forward_extremities}, {@code roomserver_membership},
 * {@code roomserver_redactions}, {@code roomserver_transactions} and {@code roomserver_room_aliases}.
 */
public final class RoomTables {

    private static final String SELECT_EXTREMITIES = "SELECT e.event_id FROM roomserver_forward_extremities f"
            + " JOIN roomserver_events e ON e.event_nid = f.event_nid WHERE f.room_nid = ? ORDER BY f.event_nid";
    private static final String DELETE_EXTREMITY =
            "DELETE FROM roomserver_forward_extremities WHERE room_nid = ? AND event_nid = ?";
    private static final String INSERT_EXTREMITY =
            "INSERT INTO roomserver_forward_extremities (room_nid, event_nid) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String UPSERT_MEMBERSHIP = "INSERT INTO roomserver_membership (room_nid, user_id,"
            + " membership, sender, event_nid) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_nid, user_id) DO UPDATE"
            + " SET membership = excluded.membership, sender = excluded.sender, event_nid = excluded.event_nid,"
            + " forgotten = 0";
    private static final String FORGET = "UPDATE roomserver_membership SET forgotten = 1 WHERE user_id = ?"
            + " AND membership IN ('leave', 'ban') AND room_nid = (SELECT room_nid FROM roomserver_rooms"
            + " WHERE room_id = ?)";
    private static final String MEMBERSHIP_COLUMNS = "SELECT r.room_id, m.user_id, m.membership, m.sender,"
            + " e.event_id, m.forgotten FROM roomserver_membership m"
            + " JOIN roomserver_rooms r ON r.room_nid = m.room_nid"
            + " JOIN roomserver_events e ON e.event_nid = m.event_nid WHERE 1 = 1";
    private static final String INSERT_REDACTION = "INSERT INTO roomserver_redactions (redaction_event_id,"
            + " redacts_event_id, validated) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String SELECT_REDACTIONS_OF = "SELECT redaction_event_id FROM roomserver_redactions"
            + " WHERE redacts_event_id = ? AND validated = 0";
    private static final String VALIDATE_REDACTION =
            "UPDATE roomserver_redactions SET validated = 1 WHERE redaction_event_id = ?";
    private static final String SELECT_TXN =
            "SELECT event_id FROM roomserver_transactions WHERE room_id = ? AND user_id = ? AND kind = ?"
            + " AND txn_id = ?";
    private static final String INSERT_TXN = "INSERT INTO roomserver_transactions (room_id, user_id, kind, txn_id,"
            + " event_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_ALIAS =
            "INSERT INTO roomserver_room_aliases (alias, room_id, creator) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String SELECT_ALIAS = "SELECT room_id FROM roomserver_room_aliases WHERE alias = ?";
    private static final String SELECT_ALIAS_ROW =
            "SELECT alias, room_id, creator FROM roomserver_room_aliases WHERE alias = ?";
    private static final String DELETE_ALIAS = "DELETE FROM roomserver_room_aliases WHERE alias = ?";
    private static final String SELECT_ROOMS_AFTER =
            "SELECT room_id FROM roomserver_rooms WHERE room_id > ? ORDER BY room_id LIMIT ?";
    private static final String SELECT_ROOM_ALIASES =
            "SELECT alias FROM roomserver_room_aliases WHERE room_id = ? ORDER BY alias";
    private static final String MOVE_ALIASES = "UPDATE roomserver_room_aliases SET room_id = ? WHERE room_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public RoomTables(Database db) {
        this.db = db;
    }

    /**
     * @param roomNid the room
     * @return its forward extremities, oldest first
     */
    public List<String> extremities(long roomNid) {
        return db.client().execute().query(SELECT_EXTREMITIES, roomNid).map(r -> Rows.text(r, "event_id")).toList();
    }

    /**
     * @param tx       the transaction
     * @param roomNid  the room
     * @param eventNid an event that is no longer an extremity
     */
    public void removeExtremity(DbExecute tx, long roomNid, long eventNid) {
        tx.delete(DELETE_EXTREMITY, roomNid, eventNid);
    }

    /**
     * @param tx       the transaction
     * @param roomNid  the room
     * @param eventNid a new extremity
     */
    public void addExtremity(DbExecute tx, long roomNid, long eventNid) {
        tx.insert(INSERT_EXTREMITY, roomNid, eventNid);
    }

    /**
     * @param tx         the transaction
     * @param roomNid    the room
     * @param userId     the member
     * @param membership the membership
     * @param sender     the sender of the membership event
     * @param eventNid   the membership event
     */
    public void setMembership(DbExecute tx, long roomNid, String userId, String membership, String sender,
                              long eventNid) {
        tx.insert(UPSERT_MEMBERSHIP, roomNid, userId, membership, sender, eventNid);
    }

    /**
     * @param roomId     the room, or null
     * @param userId     the user, or null
     * @param membership the membership, or null
     * @return the matching memberships
     */
    public List<Membership> memberships(String roomId, String userId, String membership) {
        StringBuilder sql = new StringBuilder(MEMBERSHIP_COLUMNS);
        List<Object> args = new ArrayList<>();
        if (roomId != null) {
            sql.append(" AND r.room_id = ?");
            args.add(roomId);
        }
        if (userId != null) {
            sql.append(" AND m.user_id = ?");
            args.add(userId);
        }
        if (membership != null) {
            sql.append(" AND m.membership = ?");
            args.add(membership);
        }
        sql.append(" ORDER BY r.room_id, m.user_id");
        return db.client().execute().query(sql.toString(), args.toArray())
                .map(r -> new Membership(Rows.text(r, "room_id"), Rows.text(r, "user_id"), Rows.text(r, "membership"),
                        Rows.text(r, "sender"), Rows.text(r, "event_id"), Rows.flag(r, "forgotten")))
                .toList();
    }

    /**
     * Marks a room forgotten by a user who left it or was banned from it.
     *
     * @param roomId the room
     * @param userId the user
     * @return whether the user had such a membership
     */
    public boolean forget(String roomId, String userId) {
        return db.write(tx -> tx.update(FORGET, userId, roomId)) > 0;
    }

    /**
     * @param tx          the transaction
     * @param redactionId the redaction event
     * @param redactsId   the event it names
     * @param validated   whether it was found valid
     */
    public void addRedaction(DbExecute tx, String redactionId, String redactsId, boolean validated) {
        tx.insert(INSERT_REDACTION, redactionId, redactsId, validated ? 1 : 0);
    }

    /**
     * @param tx      the transaction
     * @param eventId an event that just arrived
     * @return the redactions that named it before it was known
     */
    public List<String> pendingRedactionsOf(DbExecute tx, String eventId) {
        return tx.query(SELECT_REDACTIONS_OF, eventId).map(r -> Rows.text(r, "redaction_event_id")).toList();
    }

    /**
     * @param tx          the transaction
     * @param redactionId a redaction now found valid
     */
    public void validateRedaction(DbExecute tx, String redactionId) {
        tx.update(VALIDATE_REDACTION, redactionId);
    }

    /**
     * @param roomId the room
     * @param userId the sender
     * @param kind   the endpoint the id was given to ({@code send}, {@code state}, {@code redact}), since the
     *               client-server API scopes transaction ids per endpoint
     * @param txnId  the client's transaction id
     * @return the event sent with it, or null
     */
    public String transaction(String roomId, String userId, String kind, String txnId) {
        // Inside a write (a room's batch of events), read through it: an earlier event of the batch may have
        // used the same transaction id without having committed yet.
        boolean[] outside = {false};
        db.afterCommit(() -> outside[0] = true);
        DbExecute read = outside[0] ? db.client().execute() : db.write(tx -> tx);
        return read.get(SELECT_TXN, roomId, userId, kind, txnId).map(r -> Rows.text(r, "event_id")).orElse(null);
    }

    /**
     * @param tx      the transaction
     * @param roomId  the room
     * @param userId  the sender
     * @param kind    the endpoint the id was given to
     * @param txnId   the client's transaction id
     * @param eventId the event sent
     */
    public void addTransaction(DbExecute tx, String roomId, String userId, String kind, String txnId,
                               String eventId) {
        tx.insert(INSERT_TXN, roomId, userId, kind, txnId, eventId);
    }

    /**
     * Records an alias unless it is taken.
     *
     * @param alias   the alias
     * @param roomId  the room
     * @param creator who asked
     * @return whether the alias now names this room
     */
    public boolean addAlias(String alias, String roomId, String creator) {
        return db.write(tx -> {
            tx.insert(INSERT_ALIAS, alias, roomId, creator);
            return tx.get(SELECT_ALIAS, alias).map(r -> roomId.equals(Rows.text(r, "room_id"))).orElse(false);
        });
    }

    /**
     * Records an alias only when no room has it yet, even this one.
     *
     * @param alias   the alias
     * @param roomId  the room
     * @param creator who asked
     * @return whether this call made the mapping
     */
    public boolean insertAlias(String alias, String roomId, String creator) {
        return db.write(tx -> tx.insert(INSERT_ALIAS, alias, roomId, creator)) > 0;
    }

    /**
     * @param alias the alias
     * @return the room it names and its creator, if any
     */
    public java.util.Optional<AliasRow> alias(String alias) {
        return db.client().execute().get(SELECT_ALIAS_ROW, alias)
                .map(r -> new AliasRow(Rows.text(r, "alias"), Rows.text(r, "room_id"), Rows.text(r, "creator")));
    }

    /**
     * @param alias the alias
     * @return whether it existed
     */
    public boolean deleteAlias(String alias) {
        return db.write(tx -> tx.delete(DELETE_ALIAS, alias)) > 0;
    }

    /**
     * @param after the last room id of the previous page; the empty string for the first page
     * @param limit the page size
     * @return room ids after {@code after}, in ascending order
     */
    public List<String> roomIds(String after, int limit) {
        return db.client().execute().query(SELECT_ROOMS_AFTER, after, limit).map(r -> Rows.text(r, "room_id"))
                .toList();
    }

    /**
     * @param roomId the room
     * @return its local aliases, in alphabetical order
     */
    public List<String> aliases(String roomId) {
        return db.client().execute().query(SELECT_ROOM_ALIASES, roomId).map(r -> Rows.text(r, "alias")).toList();
    }

    /**
     * Points every local alias of a room at another room, as an upgrade does with the aliases of the room it
     * replaces.
     *
     * @param fromRoomId the room whose aliases move
     * @param toRoomId   the room they name from now on
     * @return the aliases moved, in alphabetical order
     */
    public List<String> moveAliases(String fromRoomId, String toRoomId) {
        return db.write(tx -> {
            List<String> moved = tx.query(SELECT_ROOM_ALIASES, fromRoomId).map(r -> Rows.text(r, "alias")).toList();
            tx.update(MOVE_ALIASES, toRoomId, fromRoomId);
            return moved;
        });
    }

    /**
     * One row of {@code roomserver_room_aliases}.
     *
     * @param alias   the alias
     * @param roomId  the room
     * @param creator who made it
     */
    public record AliasRow(String alias, String roomId, String creator) {
    }
}
