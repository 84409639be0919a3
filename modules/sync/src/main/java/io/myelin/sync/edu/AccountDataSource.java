package io.myelin.sync.edu;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
import io.myelin.api.bus.Message;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;
import io.myelin.api.users.AccountDataEntry;
import io.myelin.api.users.AccountDataRequest;
import io.myelin.api.users.UserData;
import io.myelin.api.users.UserRequest;
import io.myelin.protocol.json.JsonSupport;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncQuery;
import io.myelin.sync.stream.SyncResult;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * Global and per-room account data in {@code /sync} (client-server API, "Client Config"). The users component
 * keeps the contents and announces each change on {@code OutputClientData}; this source records which entries
 * changed at which position and reads their current contents when a user syncs. Push rule changes arrive as
 * the global type {@code m.push_rules}, whose content is the user's whole rule set. A room's entries go to the
 * room in the {@code join} section, or in the {@code leave} section when the response carries it there (the
 * rooms source collects first).
 */
public final class AccountDataSource implements SyncSource {

    static final String TABLE = "sync_account_data_changes";
    private static final String PUSH_RULES = "m.push_rules";
    private static final String UPSERT = "INSERT INTO sync_account_data_changes (user_id, room_id, type, pos)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, room_id, type) DO UPDATE SET pos = excluded.pos";
    private static final String SELECT_CHANGES = "SELECT room_id, type FROM sync_account_data_changes"
            + " WHERE user_id = ? AND pos > ? AND pos <= ?";

    private final Database db;
    private final UserData userData;
    private final Notifier notifier;
    private final StreamWriter writer;

    /**
     * @param db       the database
     * @param userData the users component's account data
     * @param notifier wakes the user after a change
     */
    public AccountDataSource(Database db, UserData userData, Notifier notifier) {
        this.db = db;
        this.userData = userData;
        this.notifier = notifier;
        this.writer = new StreamWriter(db, StreamWriter.maxPosition(db, TABLE));
    }

    @Override
    public String key() {
        return SyncToken.ACCOUNT_DATA;
    }

    @Override
    public long position() {
        return writer.position();
    }

    /**
     * Records that an entry changed and wakes its owner.
     *
     * @param userId the owner
     * @param roomId the room, or {@link AccountDataEntry#GLOBAL}
     * @param type   the type
     * @return the position of the change
     */
    public long changed(String userId, String roomId, String type) {
        long position = writer.write((tx, pos) -> tx.insert(UPSERT, userId, roomId, type, pos));
        notifier.wake(List.of(userId));
        return position;
    }

    /**
     * Handles one {@code OutputClientData} message ({@code {"user_id","room_id","type"}}).
     *
     * @param message the message
     */
    void handle(Message message) {
        JsonObject change;
        try (JsonReader reader = JsonSupport.provider().createReader(new ByteArrayInputStream(message.payload()))) {
            change = reader.readObject();
        }
        changed(change.getString("user_id"), change.getString("room_id", AccountDataEntry.GLOBAL),
                change.getString("type"));
        message.ack();
    }

    @Override
    public void collect(SyncQuery query, long since, long upTo, SyncResult result) {
        String userId = query.userId();
        if (query.initial()) {
            List<AccountDataEntry> entries = userData.accountData(new AccountDataRequest(userId, null, null))
                    .entries();
            entries.forEach(entry -> add(query, entry, result));
            if (entries.stream().noneMatch(e -> e.roomId().isEmpty() && e.type().equals(PUSH_RULES))) {
                add(query, pushRules(userId), result);
            }
            return;
        }
        List<String[]> changes = new ArrayList<>();
        if (since < upTo) {
            try (Stream<DbRow> rows = db.client().execute().query(SELECT_CHANGES, userId, since, upTo)) {
                rows.forEach(row -> changes.add(new String[] {Rows.text(row, "room_id"), Rows.text(row, "type")}));
            }
        }
        // A room joined since gets its whole account data, like every room on an initial sync.
        for (String roomId : query.newlyJoinedRooms()) {
            userData.accountData(new AccountDataRequest(userId, roomId, null)).entries()
                    .forEach(entry -> add(query, entry, result));
        }
        for (String[] change : changes) {
            String roomId = change[0];
            String type = change[1];
            if (query.newlyJoinedRooms().contains(roomId)) {
                continue;
            }
            if (roomId.isEmpty() && type.equals(PUSH_RULES)) {
                add(query, pushRules(userId), result);
                continue;
            }
            userData.accountData(new AccountDataRequest(userId, roomId, type)).entries()
                    .forEach(entry -> add(query, entry, result));
        }
    }

    private AccountDataEntry pushRules(String userId) {
        return new AccountDataEntry(AccountDataEntry.GLOBAL, PUSH_RULES,
                userData.pushRules(new UserRequest(userId)).rules());
    }

    private static void add(SyncQuery query, AccountDataEntry entry, SyncResult result) {
        JsonObject event = JsonSupport.objectBuilder().add("type", entry.type()).add("content", entry.content())
                .build();
        if (entry.roomId().isEmpty()) {
            if (EduFilter.globalAccountData(query.filter(), entry.type())) {
                result.globalAccountData(event);
            }
        } else if ((query.joinedRooms().contains(entry.roomId()) || result.hasLeft(entry.roomId()))
                && EduFilter.roomAccountData(query.filter(), entry.roomId(), entry.type())) {
            result.roomAccountData(entry.roomId(), event);
        }
    }
}
