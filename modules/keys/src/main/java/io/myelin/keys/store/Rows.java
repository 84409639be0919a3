package io.myelin.keys.store;

import java.io.StringReader;

import io.helidon.dbclient.DbRow;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * Reads columns the same way on SQLite and PostgreSQL, whose drivers hand back different number types for the
 * same schema.
 */
final class Rows {

    private Rows() {
    }

    static String text(DbRow row, String column) {
        // A column holding NULL is an empty value, which get() refuses.
        return row.column(column).asOptional().map(Object::toString).orElse(null);
    }

    static long number(DbRow row, String column) {
        return row.column(column).asOptional().map(v -> ((Number) v).longValue()).orElse(0L);
    }

    static boolean flag(DbRow row, String column) {
        return number(row, column) != 0;
    }

    static JsonObject json(DbRow row, String column) {
        try (JsonReader reader = JsonSupport.provider().createReader(new StringReader(text(row, column)))) {
            return reader.readObject();
        }
    }
}
