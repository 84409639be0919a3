package io.myelin.server.sync;

/** The typing, receipt, read marker and presence endpoints on SQLite. */
class SqliteSyncEduHttpTest extends SyncEduHttpTestBase {
    @Override
    EduServer.Backend backend() {
        return EduServer.Backend.SQLITE;
    }
}
