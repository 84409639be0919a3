package io.myelin.server.client;

/** The user directory on SQLite. */
class SqliteUserDirectoryTest extends UserDirectoryTestBase {
    @Override
    ClientServer.Backend backend() {
        return ClientServer.Backend.SQLITE;
    }
}
