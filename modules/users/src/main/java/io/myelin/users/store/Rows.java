package io.myelin.users.store;

import io.helidon.dbclient.DbRow;

/**
 * Reads nullable columns the same way on SQLite and PostgreSQL, whose drivers hand back different
 * number types for the same schema.
 */
final class Rows {

    private Rows() {
    }

    static String text(DbRow row, String column) {
        // A column holding NULL is an empty value, which get() refuses.
        return row.column(column).asOptional().map(Object::toString).orElse(null);
    }

    static Long number(DbRow row, String column) {
        return row.column(column).asOptional().map(v -> ((Number) v).longValue()).orElse(null);
    }

    static boolean flag(DbRow row, String column) {
        Long value = number(row, column);
        return value != null && value != 0;
    }
}
