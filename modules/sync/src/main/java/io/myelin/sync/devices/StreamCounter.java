package io.myelin.sync.devices;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Rows;

/**
 * Hands out the positions of one stream ({@code to_device} or {@code device_lists}) and says which is the
 * newest committed one. Writes that take positions run one at a time and publish their positions only after
 * they commit, so a reader that sees position {@code p} can rely on every row up to {@code p} being there:
 * a token never passes a row that commits later.
 */
final class StreamCounter {

    private static final String SELECT = "SELECT pos FROM sync_device_positions WHERE stream = ?";
    private static final String UPDATE = "UPDATE sync_device_positions SET pos = ? WHERE stream = ?";

    /** Gives out the positions of one write. */
    interface Positions {
        /** @return the next position */
        long next();
    }

    private final Database db;
    private final String stream;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long committed;

    StreamCounter(Database db, String stream) {
        this.db = db;
        this.stream = stream;
        this.committed = db.client().execute().get(SELECT, stream).map(r -> Rows.number(r, "pos"))
                .orElseThrow(() -> new IllegalStateException("no position row for " + stream));
    }

    /** @return the newest committed position */
    long position() {
        return committed;
    }

    /**
     * Runs {@code work} in one transaction with positions to number its rows.
     *
     * @param work the work, given the transaction and the positions
     * @param <T>  its result
     * @return what it returned
     */
    <T> T write(BiFunction<DbExecute, Positions, T> work) {
        lock.lock();
        try {
            long[] last = {committed};
            T result = db.write(tx -> {
                last[0] = committed;
                T value = work.apply(tx, () -> ++last[0]);
                if (last[0] != committed) {
                    tx.update(UPDATE, last[0], stream);
                }
                return value;
            });
            committed = last[0];
            return result;
        } finally {
            lock.unlock();
        }
    }
}
