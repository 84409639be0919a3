package io.myelin.sync.edu;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.storage.Database;

/**
 * Gives one sync stream's writes their positions. Writes of a stream are serialised, so that a position is
 * only published once every smaller one has committed: {@code /sync} reads {@link #position()} before
 * collecting and never misses a row that commits later with a smaller position.
 */
final class StreamWriter {

    private final ReentrantLock lock = new ReentrantLock();
    private final Database db;
    private volatile long committed;

    /**
     * @param db    the database
     * @param start the stream's newest committed position, as its table holds it
     */
    StreamWriter(Database db, long start) {
        this.db = db;
        this.committed = start;
    }

    /** @return the newest committed position */
    long position() {
        return committed;
    }

    /**
     * Runs {@code work} in one transaction with the next position and publishes it once committed.
     *
     * @param work the statements, given the transaction and the position to write
     * @return the position written
     */
    long write(BiConsumer<DbExecute, Long> work) {
        lock.lock();
        try {
            long next = committed + 1;
            db.write(tx -> {
                work.accept(tx, next);
                return null;
            });
            committed = next;
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads the greatest value of a position column.
     *
     * @param db    the database
     * @param table the table
     * @return the greatest {@code pos}, 0 when the table is empty
     */
    static long maxPosition(Database db, String table) {
        return db.client().execute().get("SELECT MAX(pos) AS pos FROM " + table)
                .flatMap(row -> row.column("pos").asOptional().map(v -> ((Number) v).longValue()))
                .orElse(0L);
    }
}
