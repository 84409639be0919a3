package io.myelin.sync.devices;

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
}
