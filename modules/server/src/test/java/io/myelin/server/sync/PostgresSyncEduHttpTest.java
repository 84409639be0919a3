package io.myelin.server.sync;

/** The typing, receipt, read marker and presence endpoints on PostgreSQL. */
class PostgresSyncEduHttpTest extends SyncEduHttpTestBase {
    @Override
    EduServer.Backend backend() {
        return EduServer.Backend.POSTGRES;
    }
}
