package io.myelin.users.store;

import java.io.StringReader;
import java.util.Optional;

import io.myelin.api.storage.Database;

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
        try (var reader = jakarta.json.Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
