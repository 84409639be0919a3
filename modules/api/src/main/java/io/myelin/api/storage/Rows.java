package io.myelin.api.storage;

import java.io.StringReader;
import java.util.Collections;

import io.helidon.dbclient.DbRow;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * Reading columns of a {@link DbRow} the same way on SQLite and PostgreSQL.
 *
 * <p>A column holding SQL {@code NULL} is an empty value, which {@code get()} refuses, so every reader here goes
 * through {@code asOptional()}. Numbers come back as whatever {@link Number} the driver chose (SQLite answers
 * {@code Integer} for small values where PostgreSQL answers {@code Long}); flags are stored as integers because
 * SQLite has no boolean type.
 */
public final class Rows {

    private Rows() {
    }

    /**
     * A text column.
     *
     * @param row    the row
     * @param column the column's name
     * @return its value, or {@code null} for SQL {@code NULL}
     */
    public static String text(DbRow row, String column) {
        return row.column(column).asOptional().map(Object::toString).orElse(null);
    }

    /**
     * A numeric column where {@code NULL} means zero.
     *
     * @param row    the row
     * @param column the column's name
     * @return its value, or 0 for SQL {@code NULL}
     */
    public static long number(DbRow row, String column) {
        Long value = numberOrNull(row, column);
        return value == null ? 0 : value;
    }

    /**
     * A numeric column where {@code NULL} means no value.
     *
     * @param row    the row
     * @param column the column's name
     * @return its value, or {@code null} for SQL {@code NULL}
     */
    public static Long numberOrNull(DbRow row, String column) {
        return row.column(column).asOptional().map(v -> ((Number) v).longValue()).orElse(null);
    }

    /**
     * A flag stored as an integer.
     *
     * @param row    the row
     * @param column the column's name
     * @return whether it holds a value other than 0; {@code false} for SQL {@code NULL}
     */
    public static boolean flag(DbRow row, String column) {
        return number(row, column) != 0;
    }

    /**
     * A text column that holds a JSON object.
     *
     * @param row    the row
     * @param column the column's name
     * @return the object, or {@code null} for SQL {@code NULL}
     */
    public static JsonObject json(DbRow row, String column) {
        String text = text(row, column);
        if (text == null) {
            return null;
        }
        try (JsonReader reader = JsonSupport.provider().createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /**
     * The parameter markers of an {@code IN (...)} list.
     *
     * @param count how many values the list holds, at least one
     * @return {@code ?, ?, ...} with {@code count} markers
     */
    public static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
