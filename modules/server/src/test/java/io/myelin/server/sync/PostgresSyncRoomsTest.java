package io.myelin.server.sync;

/** Room summaries, state and context on PostgreSQL. */
class PostgresSyncRoomsTest extends SyncRoomsTestBase {
    @Override
    SyncServer.Backend backend() {
        return SyncServer.Backend.POSTGRES;
    }
}
