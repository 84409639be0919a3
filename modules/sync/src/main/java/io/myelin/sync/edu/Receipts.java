package io.myelin.sync.edu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.roomserver.EventRequest;
import io.myelin.api.roomserver.RoomEvent;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.push.NotificationCounter;
import io.myelin.sync.push.Unread;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Receipts (client-server API, "Receipts"): the latest receipt of each user, type and thread in a room, as
 * {@code m.receipt} ephemeral events. An incremental sync carries the receipts set after {@code since}; an
 * initial sync, or a room joined since, every current receipt of the room. A private receipt
 * ({@code m.read.private}) is only ever shown to its owner. A read receipt also marks the user's notifications
 * in the room up to the event as read.
 *
 * <p>Changes of a user's notification counts are positions of this stream too, so that a count that changes after
 * the event that caused it was sent (counting runs beside the timeline) still reaches the client, as the room's
 * {@code unread_notifications}.
 */
public final class Receipts implements SyncSource, NotificationCounter.Recorder {

    /** The public read receipt. */
    public static final String READ = "m.read";
    /** The read receipt only its owner sees. */
    public static final String READ_PRIVATE = "m.read.private";
    /** The thread id of a receipt for the main timeline. */
    public static final String MAIN = "main";

    static final String TABLE = "sync_receipts";
    private static final String UNREAD_CHANGES = "sync_unread_changes";
    private static final String UPSERT = "INSERT INTO sync_receipts"
            + " (room_id, user_id, receipt_type, thread_id, event_id, ts, pos) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (room_id, user_id, receipt_type, thread_id)"
            + " DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, pos = excluded.pos";
    private static final String COLUMNS = "SELECT room_id, user_id, receipt_type, thread_id, event_id, ts"
            + " FROM sync_receipts";
    private static final String SELECT_CHANGES = COLUMNS + " WHERE pos > ? AND pos <= ? ORDER BY pos";
    private static final String SELECT_ROOMS = COLUMNS + " WHERE room_id IN (%s) AND pos <= ? ORDER BY pos";
    private static final int ROOM_BATCH = 100;
    private static final String UPSERT_UNREAD_CHANGE = "INSERT INTO sync_unread_changes (user_id, room_id, pos)"
            + " VALUES (?, ?, ?) ON CONFLICT (user_id, room_id) DO UPDATE SET pos = excluded.pos";
    private static final String SELECT_UNREAD_CHANGES = "SELECT room_id FROM sync_unread_changes"
            + " WHERE user_id = ? AND pos > ? AND pos <= ?";
    // A receipt of any thread at the event reads it: the event is in that thread, or is its root.
    private static final String SELECT_CURRENT = "SELECT event_id FROM sync_receipts WHERE room_id = ?"
            + " AND user_id = ? AND receipt_type = ? AND thread_id = ?";
    private static final String SELECT_READ_AT = "SELECT event_id FROM sync_receipts WHERE room_id = ?"
            + " AND user_id = ? AND event_id = ? AND receipt_type IN ('m.read', 'm.read.private')";

    /**
     * One receipt.
     *
     * @param roomId   the room
     * @param userId   whose
     * @param type     {@link #READ} or {@link #READ_PRIVATE}
     * @param threadId the thread root, {@link #MAIN}, or empty for an unthreaded receipt
     * @param eventId  the event read up to
     * @param ts       when it was sent, in milliseconds since the epoch
     */
    public record Receipt(String roomId, String userId, String type, String threadId, String eventId, long ts) {
    }

    private final Database db;
    private final RoomserverApi rooms;
    private final Memberships memberships;
    private final Notifier notifier;
    private final Unread unread;
    private final Bus bus;
    private final StreamWriter writer;
    private final Predicate<String> inRoomsStream;

    /**
     * @param db          the database
     * @param rooms       the roomserver, to place a receipt's event in its room
     * @param memberships who to wake in a room
     * @param notifier    wakes them
     * @param unread      the notification counts a read receipt resets
     * @param bus         where public receipts are announced for other servers
     * @param inRoomsStream whether the rooms stream holds an event (and so has woken its room's members)
     */
    public Receipts(Database db, RoomserverApi rooms, Memberships memberships, Notifier notifier, Unread unread,
                    Bus bus, Predicate<String> inRoomsStream) {
        this.inRoomsStream = inRoomsStream;
        this.db = db;
        this.rooms = rooms;
        this.memberships = memberships;
        this.notifier = notifier;
        this.unread = unread;
        this.bus = bus;
        // Count changes take positions of this stream too and write only sync_unread_changes.
        this.writer = new StreamWriter(db, Math.max(StreamWriter.maxPosition(db, TABLE),
                StreamWriter.maxPosition(db, UNREAD_CHANGES)));
    }

    @Override
    public String key() {
        return SyncToken.RECEIPTS;
    }

    @Override
    public long position() {
        return writer.position();
    }

    /**
     * Stores a receipt, resets the user's notifications up to its event, and wakes whoever may see it. A public
     * read receipt for an event older than the one the user's receipt of that thread already names is ignored:
     * a receipt never moves back.
     *
     * @param receipt the receipt
     */
    public void put(Receipt receipt) {
        // An unthreaded receipt reads every thread, "main" the main timeline, any other only its thread.
        String thread = receipt.threadId().isEmpty() ? null
                : receipt.threadId().equals(MAIN) ? Unread.MAIN_TIMELINE : receipt.threadId();
        long depth = depth(receipt.eventId());
        if (receipt.type().equals(READ) && behindCurrent(receipt, depth)) {
            return;
        }
        writer.write((tx, pos) -> {
            tx.insert(UPSERT, receipt.roomId(), receipt.userId(), receipt.type(), receipt.threadId(),
                    receipt.eventId(), receipt.ts(), pos);
            unread.read(tx, receipt.userId(), receipt.roomId(), receipt.eventId(), depth, thread);
            tx.insert(UPSERT_UNREAD_CHANGE, receipt.userId(), receipt.roomId(), pos);
        });
        if (receipt.type().equals(READ_PRIVATE)) {
            notifier.wake(List.of(receipt.userId()));
            return;
        }
        notifier.wake(memberships.localJoined(receipt.roomId()));
        JsonObjectBuilder payload = JsonSupport.objectBuilder().add("room_id", receipt.roomId())
                .add("user_id", receipt.userId()).add("type", receipt.type()).add("event_id", receipt.eventId())
                .add("ts", receipt.ts());
        if (!receipt.threadId().isEmpty()) {
            payload.add("thread_id", receipt.threadId());
        }
        bus.publish(Streams.OUTPUT_RECEIPT_EVENT, receipt.roomId(),
                payload.build().toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void notified(String roomId, String eventId, String threadId, long seq, long depth,
                         List<Unread.Notification> notifications) {
        writer.write((tx, pos) -> {
            unread.record(tx, roomId, eventId, threadId, seq, depth, notifications);
            for (Unread.Notification n : notifications) {
                tx.insert(UPSERT_UNREAD_CHANGE, n.userId(), roomId, pos);
            }
        });
        // Woken alone, a waiting sync would return the count without the event that caused it. The rooms stream
        // wakes the room's members after it stores the event, and this count is committed before then.
        if (inRoomsStream.test(eventId)) {
            notifier.wake(notifications.stream().map(Unread.Notification::userId).toList());
        }
    }

    /** Whether the user's current receipt of the same type and thread names an event deeper than this one. */
    private boolean behindCurrent(Receipt receipt, long depth) {
        String current = db.client().execute().get(SELECT_CURRENT, receipt.roomId(), receipt.userId(),
                receipt.type(), receipt.threadId()).map(row -> Rows.text(row, "event_id")).orElse(null);
        if (current == null || current.equals(receipt.eventId())) {
            return false;
        }
        RoomEvent event = rooms.event(new EventRequest(current)).event();
        // A current event the roomserver cannot place does not hold the receipt back.
        return event != null && event.json().get("depth") instanceof JsonNumber was && was.longValue() > depth;
    }

    private long depth(String eventId) {
        RoomEvent event = rooms.event(new EventRequest(eventId)).event();
        // An event the roomserver does not have cannot be placed; it is taken as the newest.
        return event != null && event.json().get("depth") instanceof JsonNumber depth ? depth.longValue()
                : Long.MAX_VALUE;
    }

    @Override
    public boolean readAt(String userId, String roomId, String eventId) {
        return db.client().execute().get(SELECT_READ_AT, roomId, userId, eventId).isPresent();
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        Map<String, List<Receipt>> byRoom = new LinkedHashMap<>();
        Set<String> joined = query.joinedRooms();
        // Nothing moved since the client's position: no query needed (a waiting /sync collects often).
        boolean moved = !query.initial() && since < upTo;
        if (moved) {
            try (Stream<DbRow> rows = db.client().execute().query(SELECT_CHANGES, since, upTo)) {
                rows.map(Receipts::receipt)
                        .filter(r -> joined.contains(r.roomId()) && !query.newlyJoinedRooms().contains(r.roomId()))
                        .forEach(r -> byRoom.computeIfAbsent(r.roomId(), id -> new ArrayList<>()).add(r));
            }
        }
        List<String> fresh = (query.initial() ? joined : query.newlyJoinedRooms()).stream()
                .filter(joined::contains).toList();
        Map<String, List<Receipt>> stored = roomReceipts(fresh, upTo);
        for (String roomId : fresh) {
            List<Receipt> receipts = stored.get(roomId);
            if (receipts != null) {
                byRoom.computeIfAbsent(roomId, id -> new ArrayList<>()).addAll(receipts);
            }
        }
        if (moved) {
            unreadChanges(query, since, upTo, result);
        }
        byRoom.forEach((roomId, receipts) -> {
            JsonObject event = event(receipts, query.userId());
            if (event != null && EduFilter.ephemeral(query.filter(), roomId, "m.receipt")) {
                result.ephemeral(roomId, event);
            }
        });
    }

    /** Every receipt of some rooms up to a position, each room's in stream order, a hundred rooms a query. */
    private Map<String, List<Receipt>> roomReceipts(List<String> roomIds, long upTo) {
        Map<String, List<Receipt>> byRoom = new HashMap<>();
        for (int from = 0; from < roomIds.size(); from += ROOM_BATCH) {
            List<String> part = roomIds.subList(from, Math.min(roomIds.size(), from + ROOM_BATCH));
            List<Object> params = new ArrayList<>(part);
            params.add(upTo);
            String sql = String.format(Locale.ROOT, SELECT_ROOMS, String.join(", ", Collections.nCopies(part.size(),
                    "?")));
            try (Stream<DbRow> rows = db.client().execute().query(sql, params.toArray())) {
                rows.map(Receipts::receipt).forEach(r -> byRoom.computeIfAbsent(r.roomId(), id -> new ArrayList<>())
                        .add(r));
            }
        }
        return byRoom;
    }

    private void unreadChanges(SyncQuery query, long since, long upTo, SyncResult result) {
        List<String> rooms = new ArrayList<>();
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_UNREAD_CHANGES, query.userId(), since, upTo)) {
            rows.map(row -> Rows.text(row, "room_id")).filter(query.joinedRooms()::contains).forEach(rooms::add);
        }
        if (!rooms.isEmpty()) {
            unread.report(query, result, rooms, true);
        }
    }

    /**
     * Builds an {@code m.receipt} event.
     *
     * @param receipts the receipts of one room
     * @param viewer   who will see it: others' private receipts are left out
     * @return the event, or null when nothing is left to show
     */
    static JsonObject event(List<Receipt> receipts, String viewer) {
        Map<String, Map<String, Map<String, JsonObject>>> content = new LinkedHashMap<>();
        for (Receipt receipt : receipts) {
            if (receipt.type().equals(READ_PRIVATE) && !receipt.userId().equals(viewer)) {
                continue;
            }
            JsonObjectBuilder data = JsonSupport.objectBuilder().add("ts", receipt.ts());
            if (!receipt.threadId().isEmpty()) {
                data.add("thread_id", receipt.threadId());
            }
            content.computeIfAbsent(receipt.eventId(), id -> new LinkedHashMap<>())
                    .computeIfAbsent(receipt.type(), t -> new LinkedHashMap<>()).put(receipt.userId(), data.build());
        }
        if (content.isEmpty()) {
            return null;
        }
        JsonObjectBuilder json = JsonSupport.objectBuilder();
        content.forEach((eventId, types) -> {
            JsonObjectBuilder byType = JsonSupport.objectBuilder();
            types.forEach((type, users) -> {
                JsonObjectBuilder byUser = JsonSupport.objectBuilder();
                users.forEach(byUser::add);
                byType.add(type, byUser);
            });
            json.add(eventId, byType);
        });
        return JsonSupport.objectBuilder().add("type", "m.receipt").add("content", json).build();
    }

    private static Receipt receipt(DbRow row) {
        return new Receipt(Rows.text(row, "room_id"), Rows.text(row, "user_id"), Rows.text(row, "receipt_type"),
                Rows.text(row, "thread_id"), Rows.text(row, "event_id"), Rows.number(row, "ts"));
    }
}
