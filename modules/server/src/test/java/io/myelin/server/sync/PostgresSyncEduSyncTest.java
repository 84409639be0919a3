package io.myelin.server.sync;

/** Account data, typing, receipts, notification counts and presence through /sync on PostgreSQL. */
class PostgresSyncEduSyncTest extends SyncEduSyncTestBase {
    @Override
    EduServer.Backend backend() {
        return EduServer.Backend.POSTGRES;
    }
}
