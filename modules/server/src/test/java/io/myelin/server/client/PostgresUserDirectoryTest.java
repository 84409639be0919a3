package io.myelin.server.client;

/** The user directory on PostgreSQL. */
class PostgresUserDirectoryTest extends UserDirectoryTestBase {
    @Override
    ClientServer.Backend backend() {
        return ClientServer.Backend.POSTGRES;
    }
}
