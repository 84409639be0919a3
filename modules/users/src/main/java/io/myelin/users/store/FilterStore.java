package io.myelin.users.store;

import java.io.StringReader;
import java.util.Optional;

import io.myelin.api.storage.Database;

import io.myelin.api.storage.Rows;
import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;

/**
 * The table {@code users_filters}: filters clients upload, numbered per user from 0.
 */
public final class FilterStore {

    private static final String NEXT_ID = "SELECT COALESCE(MAX(filter_id) + 1, 0) AS next FROM users_filters"
            + " WHERE user_id = ?";
    private static final String INSERT = "INSERT INTO users_filters (user_id, filter_id, filter) VALUES (?, ?, ?)";
    private static final String SELECT = "SELECT filter FROM users_filters WHERE user_id = ? AND filter_id = ?";

    private final Database db;

    /**
     * @param db the database
     */
    public FilterStore(Database db) {
        this.db = db;
    }

    /**
     * @param userId the owner
     * @param filter the filter
     * @return its id
     */
    public long create(String userId, JsonObject filter) {
        return db.write(tx -> {
            long id = tx.get(NEXT_ID, userId).map(row -> Rows.number(row, "next")).orElse(0L);
            tx.insert(INSERT, userId, id, filter.toString());
            return id;
        });
    }

    /**
     * @param userId   the owner
     * @param filterId the id
     * @return the filter, if the user has one with that id
     */
    public Optional<JsonObject> get(String userId, long filterId) {
        return db.client().execute().get(SELECT, userId, filterId).map(row -> {
            try (var reader = JsonSupport.provider().createReader(new StringReader(Rows.text(row, "filter")))) {
                return reader.readObject();
            }
        });
    }
}
