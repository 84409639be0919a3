package io.myelin.server.sync;

/** Account data, typing, receipts, notification counts and presence through /sync on SQLite. */
class SqliteSyncEduSyncTest extends SyncEduSyncTestBase {
    @Override
    EduServer.Backend backend() {
        return EduServer.Backend.SQLITE;
    }
}
