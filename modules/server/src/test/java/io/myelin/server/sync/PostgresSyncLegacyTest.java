package io.myelin.server.sync;

/** The legacy sync endpoints on PostgreSQL. */
class PostgresSyncLegacyTest extends SyncLegacyTestBase {
    @Override
    SyncServer.Backend backend() {
        return SyncServer.Backend.POSTGRES;
    }
}
