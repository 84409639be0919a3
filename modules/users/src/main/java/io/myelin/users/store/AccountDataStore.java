package io.myelin.users.store;

import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
import io.myelin.api.storage.Rows;
import io.myelin.api.users.AccountDataEntry;

import io.myelin.api.storage.Database;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;

/**
 * The table {@code users_account_data}: a JSON object per user, room (the empty string for global data)
 * and type. Room tags live here too, as the {@code m.tag} room account data clients read in {@code /sync}.
 */
public final class AccountDataStore {

    /** The room id column's value for global account data. */
    public static final String GLOBAL = "";

    private static final String SELECT = "SELECT content FROM users_account_data"
            + " WHERE user_id = ? AND room_id = ? AND type = ?";
    private static final String SELECT_ALL = "SELECT room_id, type, content FROM users_account_data"
            + " WHERE user_id = ?";
    private static final String SELECT_ROOM = SELECT_ALL + " AND room_id = ?";
    private static final String UPDATE = "UPDATE users_account_data SET content = ?"
            + " WHERE user_id = ? AND room_id = ? AND type = ?";
    private static final String INSERT = "INSERT INTO users_account_data (user_id, room_id, type, content)"
            + " VALUES (?, ?, ?, ?)";

    private final Database db;

    /**
     * @param db the database
     */
    public AccountDataStore(Database db) {
        this.db = db;
    }

    /**
     * @param userId the owner
     * @param roomId the room, or {@link #GLOBAL}
     * @param type   the type
     * @return the content, if set
     */
    public Optional<JsonObject> get(String userId, String roomId, String type) {
        return db.client().execute().get(SELECT, userId, roomId, type).map(row -> parse(Rows.text(row, "content")));
    }

    /**
     * @param userId the owner
     * @param roomId the room, {@link #GLOBAL}, or null for global data and every room's
     * @return the entries
     */
    public List<AccountDataEntry> list(String userId, String roomId) {
        try (Stream<DbRow> rows = roomId == null
                ? db.client().execute().query(SELECT_ALL, userId)
                : db.client().execute().query(SELECT_ROOM, userId, roomId)) {
            return rows.map(row -> new AccountDataEntry(Rows.text(row, "room_id"), Rows.text(row, "type"),
                    parse(Rows.text(row, "content")))).toList();
        }
    }

    /**
     * Sets content, replacing what was there.
     *
     * @param userId  the owner
     * @param roomId  the room, or {@link #GLOBAL}
     * @param type    the type
     * @param content the content
     */
    public void put(String userId, String roomId, String type, JsonObject content) {
        String text = content.toString();
        db.write(tx -> {
            if (tx.update(UPDATE, text, userId, roomId, type) == 0) {
                tx.insert(INSERT, userId, roomId, type, text);
            }
            return null;
        });
    }

    private static JsonObject parse(String text) {
        try (var reader = JsonSupport.provider().createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
