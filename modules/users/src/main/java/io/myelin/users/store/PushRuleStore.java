package io.myelin.users.store;

import java.io.StringReader;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.myelin.api.storage.Database;
import io.myelin.api.storage.Dialect;

import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * The table {@code users_push_rules}: one JSON document of push rule changes per user.
 */
public final class PushRuleStore {

    private static final String SELECT = "SELECT changes FROM users_push_rules WHERE user_id = ?";
    private static final String UPDATE = "UPDATE users_push_rules SET changes = ? WHERE user_id = ?";
    private static final String INSERT = "INSERT INTO users_push_rules (user_id, changes) VALUES (?, ?)";

    private final Database db;
    private final String selectForUpdate;

    /**
     * @param db the database
     */
    public PushRuleStore(Database db) {
        this.db = db;
        // SQLite has one writer at a time; PostgreSQL needs the row locked for a read-modify-write.
        this.selectForUpdate = db.dialect() == Dialect.POSTGRES ? SELECT + " FOR UPDATE" : SELECT;
    }

    /**
     * @param userId the user
     * @return the user's changes, if any
     */
    public Optional<JsonObject> get(String userId) {
        return db.client().execute().get(SELECT, userId).map(row -> parse(Rows.text(row, "changes")));
    }

    /**
     * Reads, changes and writes a user's document in one transaction.
     *
     * @param userId the user
     * @param change turns the current document (empty object when none) into the new one; may throw
     */
    public void update(String userId, UnaryOperator<JsonObject> change) {
        db.write(tx -> {
            Optional<JsonObject> current = tx.get(selectForUpdate, userId).map(row -> parse(Rows.text(row, "changes")));
            String next = change.apply(current.orElse(JsonValue.EMPTY_JSON_OBJECT)).toString();
            if (current.isPresent()) {
                tx.update(UPDATE, next, userId);
            } else {
                tx.insert(INSERT, userId, next);
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
