package io.myelin.sync.devices;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

/**
 * The tables {@code sync_device_list_changes} (local users whose devices or keys changed) and
 * {@code sync_device_list_members} (users starting or stopping to be joined to a room), numbered from one
 * counter, the device-list stream.
 */
final class DeviceListStore {

    private static final String INSERT_CHANGE = "INSERT INTO sync_device_list_changes (pos, user_id) VALUES (?, ?)";
    private static final String SELECT_CHANGED = "SELECT DISTINCT user_id FROM sync_device_list_changes"
            + " WHERE pos > ? AND pos <= ?";
    private static final String SELECT_LATEST_MEMBER = "SELECT joined FROM sync_device_list_members"
            + " WHERE room_id = ? AND user_id = ? ORDER BY pos DESC LIMIT 1";
    private static final String INSERT_MEMBER = "INSERT INTO sync_device_list_members (pos, room_id, user_id,"
            + " joined, event_id) VALUES (?, ?, ?, ?, ?)";
    private static final String SELECT_MEMBERS = "SELECT room_id, user_id, joined, event_id"
            + " FROM sync_device_list_members"
            + " WHERE pos > ? AND pos <= ? ORDER BY pos";

    /**
     * A user starting ({@code joined}) or stopping to be joined to a room.
     *
     * @param roomId  the room
     * @param userId  the user
     * @param joined  whether they are joined after the change
     * @param eventId the membership event that made the change, or null where it is not known
     */
    record MemberChange(String roomId, String userId, boolean joined, String eventId) {
    }

    private final Database db;
    private final StreamCounter counter;

    DeviceListStore(Database db, StreamCounter counter) {
        this.db = db;
        this.counter = counter;
    }

    /**
     * Records that a local user's devices or keys changed.
     *
     * @param userId the user
     * @param alsoInside further work of the same transaction
     */
    void changed(String userId, Consumer<DbExecute> alsoInside) {
        counter.write((tx, positions) -> {
            tx.insert(INSERT_CHANGE, positions.next(), userId);
            alsoInside.accept(tx);
            return null;
        });
    }

    /**
     * Records a membership change unless the user's last recorded membership of the room is of the same kind
     * (a display name change, or a redelivered event), or the user was never joined to it (an invite, a knock).
     *
     * @param change the change
     * @return whether it was recorded
     */
    boolean member(MemberChange change) {
        return counter.write((tx, positions) -> {
            Optional<Boolean> last = tx.get(SELECT_LATEST_MEMBER, change.roomId(), change.userId())
                    .map(r -> Rows.number(r, "joined") != 0);
            if (last.orElse(false) == change.joined()) {
                return false;
            }
            tx.insert(INSERT_MEMBER, positions.next(), change.roomId(), change.userId(), change.joined() ? 1 : 0,
                    change.eventId());
            return true;
        });
    }

    /**
     * @param after the position the client has
     * @param upTo  the last position to read
     * @return the local users whose devices or keys changed in between
     */
    List<String> changedUsers(long after, long upTo) {
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_CHANGED, after, upTo)) {
            return rows.map(r -> Rows.text(r, "user_id")).toList();
        }
    }

    /**
     * @param after the position the client has
     * @param upTo  the last position to read
     * @return the membership changes in between, oldest first
     */
    List<MemberChange> memberChanges(long after, long upTo) {
        try (Stream<DbRow> rows = db.client().execute().query(SELECT_MEMBERS, after, upTo)) {
            return rows.map(r -> new MemberChange(Rows.text(r, "room_id"), Rows.text(r, "user_id"),
                    Rows.number(r, "joined") != 0,
                    r.column("event_id").asOptional().map(String::valueOf).orElse(null))).toList();
        }
    }
}
