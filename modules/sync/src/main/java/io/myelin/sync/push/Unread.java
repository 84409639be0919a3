package io.myelin.sync.push;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.http.Fields;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;

/**
 * The table {@code sync_notifications}: the events that notified a user in a room and that the user has not
 * read yet, each with its thread, from which {@code /sync} counts {@code unread_notifications} and, when the
 * filter asks, {@code unread_thread_notifications} (client-server API, "Threading").
 */
public final class Unread {

    /** The thread of an event of the main timeline, thread roots included. */
    public static final String MAIN_TIMELINE = "";

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
            + " (user_id, room_id, event_id, thread_id, seq, depth, highlight) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, room_id, event_id) DO NOTHING";
    private static final String SELECT_SEQ = "SELECT seq FROM sync_notifications"
            + " WHERE user_id = ? AND room_id = ? AND event_id = ?";
    private static final String DELETE_UP_TO = "DELETE FROM sync_notifications"
            + " WHERE user_id = ? AND room_id = ? AND seq <= ?";
    private static final String DELETE_UP_TO_DEPTH = "DELETE FROM sync_notifications"
            + " WHERE user_id = ? AND room_id = ? AND depth <= ?";
    private static final String IN_THREAD = " AND thread_id = ?";
    private static final String COUNTS = "SELECT room_id, COUNT(*) AS notifications, SUM(highlight) AS highlights"
            + " FROM sync_notifications WHERE user_id = ? GROUP BY room_id";
    private static final String THREAD_COUNTS = "SELECT room_id, thread_id, COUNT(*) AS notifications,"
            + " SUM(highlight) AS highlights FROM sync_notifications WHERE user_id = ? GROUP BY room_id, thread_id";

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
     * @param threadId      its thread root, or {@link #MAIN_TIMELINE}
     * @param seq           the event's order in the room, growing with each new event
     * @param depth         the event's depth
     * @param notifications who it notified
     */
    public void record(DbExecute tx, String roomId, String eventId, String threadId, long seq, long depth,
                       List<Notification> notifications) {
        for (Notification n : notifications) {
            tx.insert(INSERT, n.userId(), roomId, eventId, threadId, seq, depth, n.highlight() ? 1 : 0);
        }
    }

    /**
     * Marks a user's notifications in a room as read up to an event: those that arrived up to it when it notified
     * the user, else those no deeper in the room's graph than it (their own message, say). A receipt behind an
     * earlier one therefore reads nothing more and brings nothing back. A threaded receipt reads only its thread.
     *
     * @param tx       the transaction
     * @param userId   the user
     * @param roomId   the room
     * @param eventId  the event of the read receipt
     * @param depth    its depth
     * @param threadId the receipt's thread root or {@link #MAIN_TIMELINE}, or null for an unthreaded receipt,
     *                 which reads every thread
     */
    public void read(DbExecute tx, String userId, String roomId, String eventId, long depth, String threadId) {
        Optional<Long> seq = tx.get(SELECT_SEQ, userId, roomId, eventId)
                .map(row -> ((Number) row.column("seq").get()).longValue());
        String sql = seq.isPresent() ? DELETE_UP_TO : DELETE_UP_TO_DEPTH;
        long upTo = seq.orElse(depth);
        if (threadId == null) {
            tx.delete(sql, userId, roomId, upTo);
        } else {
            tx.delete(sql + IN_THREAD, userId, roomId, upTo, threadId);
        }
    }

    /**
     * @param event an event's JSON
     * @return the root of the thread it is in ({@code m.relates_to} of {@code rel_type} {@code m.thread}), or
     *         {@link #MAIN_TIMELINE}
     */
    public static String threadOf(JsonObject event) {
        if (event.get("content") instanceof JsonObject content
                && content.get("m.relates_to") instanceof JsonObject relation
                && relation.get("rel_type") instanceof JsonString type && type.getString().equals("m.thread")
                && relation.get("event_id") instanceof JsonString root && !root.getString().isEmpty()) {
            return root.getString();
        }
        return MAIN_TIMELINE;
    }

    /**
     * @param userId a user
     * @return the user's unread counts by room, for rooms with at least one
     */
    public Map<String, Counts> counts(String userId) {
        Map<String, Counts> counts = new HashMap<>();
        try (Stream<DbRow> rows = db.client().execute().query(COUNTS, userId)) {
            rows.forEach(row -> counts.put(row.column("room_id").getString(),
                    new Counts(Rows.number(row, "notifications"), Rows.number(row, "highlights"))));
        }
        return counts;
    }

    /**
     * Puts a user's counts into the response for some of its joined rooms: all together as
     * {@code unread_notifications}, or, when the filter's timeline asks for {@code unread_thread_notifications},
     * the main timeline's there and each thread's under its root.
     *
     * @param query  the sync
     * @param result the response
     * @param rooms  the rooms
     * @param always whether a room without unread events gets its zeroes too (its counts changed) rather than
     *               the response's default
     */
    public void report(SyncQuery query, SyncResult result, Collection<String> rooms, boolean always) {
        if (!threaded(query.filter())) {
            Map<String, Counts> counts = counts(query.userId());
            for (String roomId : rooms) {
                Counts c = counts.get(roomId);
                if (c != null || always) {
                    c = c == null ? new Counts(0, 0) : c;
                    result.unreadNotifications(roomId, c.notifications(), c.highlights());
                }
            }
            return;
        }
        Map<String, Map<String, Counts>> byRoom = new HashMap<>();
        try (Stream<DbRow> rows = db.client().execute().query(THREAD_COUNTS, query.userId())) {
            rows.forEach(row -> byRoom.computeIfAbsent(row.column("room_id").getString(), r -> new LinkedHashMap<>())
                    .put(row.column("thread_id").getString(),
                            new Counts(Rows.number(row, "notifications"), Rows.number(row, "highlights"))));
        }
        for (String roomId : rooms) {
            Map<String, Counts> threads = byRoom.getOrDefault(roomId, Map.of());
            if (threads.isEmpty() && !always) {
                continue;
            }
            Counts main = threads.getOrDefault(MAIN_TIMELINE, new Counts(0, 0));
            result.unreadNotifications(roomId, main.notifications(), main.highlights());
            // Sent whole, possibly empty, whenever the room's counts are: a thread read to zero drops out.
            JsonObjectBuilder perThread = JsonSupport.objectBuilder();
            threads.forEach((thread, c) -> {
                if (!thread.equals(MAIN_TIMELINE)) {
                    perThread.add(thread, JsonSupport.objectBuilder().add("notification_count", c.notifications())
                            .add("highlight_count", c.highlights()));
                }
            });
            result.unreadThreadNotifications(roomId, perThread.build());
        }
    }

    /** Whether a sync filter's room timeline filter sets {@code unread_thread_notifications}. */
    static boolean threaded(JsonObject filter) {
        if (filter.get("room") instanceof JsonObject room && room.get("timeline") instanceof JsonObject timeline) {
            return Fields.bool(timeline, "unread_thread_notifications", false);
        }
        return false;
    }
}
