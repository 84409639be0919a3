package io.myelin.server.sync;

/** The sync core on PostgreSQL. */
class PostgresSyncCoreTest extends SyncCoreTestBase {
    @Override
    SyncServer.Backend backend() {
        return SyncServer.Backend.POSTGRES;
    }
}
