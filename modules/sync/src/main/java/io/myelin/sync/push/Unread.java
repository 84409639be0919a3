package io.myelin.sync.push;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;

/**
 * The table {@code sync_notifications}: the events that notified a user in a room and that the user has not
 * read yet, from which {@code /sync} counts {@code unread_notifications}.
 */
public final class Unread {

    /**
     * A user's unread counts in one room.
     *
     * @param notifications events that notified
     * @param highlights    those of them that were highlighted
     */
    public record Counts(long notifications, long highlights) {
    }

    /**
     * A notification to record.
     *
     * @param userId    who was notified
     * @param highlight whether it was highlighted
     */
    public record Notification(String userId, boolean highlight) {
    }

    private static final String INSERT = "INSERT INTO sync_notifications"
            + " (user_id, room_id, event_id, seq, depth, highlight) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, room_id, event_id) DO NOTHING";
    private static final String SELECT_SEQ = "SELECT seq FROM sync_notifications"
            + " WHERE user_id = ? AND room_id = ? AND event_id = ?";
    private static final String DELETE_UP_TO = "DELETE FROM sync_notifications"
            + " WHERE user_id = ? AND room_id = ? AND seq <= ?";
    private static final String DELETE_UP_TO_DEPTH = "DELETE FROM sync_notifications"
            + " WHERE user_id = ? AND room_id = ? AND depth <= ?";
    private static final String COUNTS = "SELECT room_id, COUNT(*) AS notifications, SUM(highlight) AS highlights"
            + " FROM sync_notifications WHERE user_id = ? GROUP BY room_id";

    private final Database db;

    /**
     * @param db the database
     */
    public Unread(Database db) {
        this.db = db;
    }

    /**
     * Records an event's notifications in a transaction; recording the same event twice changes nothing.
     *
     * @param tx            the transaction
     * @param roomId        the room
     * @param eventId       the event
     * @param seq           the event's order in the room, growing with each new event
     * @param depth         the event's depth
     * @param notifications who it notified
     */
    public void record(DbExecute tx, String roomId, String eventId, long seq, long depth,
                       List<Notification> notifications) {
        for (Notification n : notifications) {
            tx.insert(INSERT, n.userId(), roomId, eventId, seq, depth, n.highlight() ? 1 : 0);
        }
    }

    /**
     * Marks a user's notifications in a room as read up to an event: those that arrived up to it when it notified
     * the user, else those no deeper in the room's graph than it (their own message, say). A receipt behind an
     * earlier one therefore reads nothing more and brings nothing back.
     *
     * @param tx      the transaction
     * @param userId  the user
     * @param roomId  the room
     * @param eventId the event of the read receipt
     * @param depth   its depth
     */
    public void read(DbExecute tx, String userId, String roomId, String eventId, long depth) {
        Optional<Long> seq = tx.get(SELECT_SEQ, userId, roomId, eventId)
                .map(row -> ((Number) row.column("seq").get()).longValue());
        if (seq.isPresent()) {
            tx.delete(DELETE_UP_TO, userId, roomId, seq.get());
        } else {
            tx.delete(DELETE_UP_TO_DEPTH, userId, roomId, depth);
        }
    }

    /**
     * @param userId a user
     * @return the user's unread counts by room, for rooms with at least one
     */
    public Map<String, Counts> counts(String userId) {
        Map<String, Counts> counts = new HashMap<>();
        try (Stream<DbRow> rows = db.client().execute().query(COUNTS, userId)) {
            rows.forEach(row -> counts.put(row.column("room_id").getString(),
                    new Counts(number(row, "notifications"), number(row, "highlights"))));
        }
        return counts;
    }

    private static long number(DbRow row, String column) {
        return row.column(column).asOptional().map(v -> ((Number) v).longValue()).orElse(0L);
    }
}
