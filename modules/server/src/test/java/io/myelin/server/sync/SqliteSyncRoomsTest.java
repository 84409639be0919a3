package io.myelin.server.sync;

/** Room summaries, state and context on SQLite. */
class SqliteSyncRoomsTest extends SyncRoomsTestBase {
    @Override
    SyncServer.Backend backend() {
        return SyncServer.Backend.SQLITE;
    }
}
