package io.myelin.roomserver.storage;

import io.helidon.dbclient.DbRow;

/**
 * Reads columns the same way on SQLite and PostgreSQL, whose drivers hand back different number types.
 */
final class Rows {

    private Rows() {
    }

    static String text(DbRow row, String column) {
        return row.column(column).asOptional().map(Object::toString).orElse(null);
    }

    static long number(DbRow row, String column) {
        return row.column(column).asOptional().map(v -> ((Number) v).longValue()).orElse(0L);
    }

    static boolean flag(DbRow row, String column) {
        return number(row, column) != 0;
    }

    static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }
}
