package io.myelin.server.sync;

/** The legacy sync endpoints on SQLite. */
class SqliteSyncLegacyTest extends SyncLegacyTestBase {
    @Override
    SyncServer.Backend backend() {
        return SyncServer.Backend.SQLITE;
    }
}
