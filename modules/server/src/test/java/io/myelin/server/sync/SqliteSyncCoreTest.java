package io.myelin.server.sync;

/** The sync core on SQLite. */
class SqliteSyncCoreTest extends SyncCoreTestBase {
    @Override
    SyncServer.Backend backend() {
        return SyncServer.Backend.SQLITE;
    }
}
