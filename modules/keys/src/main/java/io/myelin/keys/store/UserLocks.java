package io.myelin.keys.store;

import io.helidon.dbclient.DbExecute;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Dialect;

/**
 * Serialises the writes of one user's keys that decide on what they read: that a device has no identity keys yet,
 * that the user has no cross-signing keys yet, or that the key a signature was checked with is still the user's.
 * On SQLite writes are serial already. On PostgreSQL, at READ COMMITTED, two such transactions could both read
 * "none yet" and both write, so each first takes a transaction-scoped advisory lock on the user; the second then
 * reads what the first committed.
 */
public final class UserLocks {

    private static final String LOCK_POSTGRES = "SELECT pg_advisory_xact_lock(?, ?)";
    // Names these locks among the database's advisory locks ("keys" in ASCII). Locks on two keys never meet the
    // migrations' lock, which is on one key.
    private static final int KEYS = 0x6b657973;

    private final boolean postgres;

    /**
     * @param db the database
     */
    public UserLocks(Database db) {
        this.postgres = db.dialect() == Dialect.POSTGRES;
    }

    /**
     * Waits until no other transaction holds the user's lock and takes it until this transaction ends. Two users
     * whose ids hash alike share a lock, which only makes them wait for each other.
     *
     * @param tx     the transaction
     * @param userId the user
     */
    public void lock(DbExecute tx, String userId) {
        if (postgres) {
            tx.get(LOCK_POSTGRES, KEYS, userId.hashCode());
        }
    }

    /**
     * Takes the locks of two users, always in the same order, so that two transactions taking the same pair do
     * not wait for each other forever.
     *
     * @param tx    the transaction
     * @param one   a user
     * @param other another user, or the same one
     */
    public void lock(DbExecute tx, String one, String other) {
        if (postgres) {
            int a = Math.min(one.hashCode(), other.hashCode());
            int b = Math.max(one.hashCode(), other.hashCode());
            tx.get(LOCK_POSTGRES, KEYS, a);
            if (b != a) {
                tx.get(LOCK_POSTGRES, KEYS, b);
            }
        }
    }
}
