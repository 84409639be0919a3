package io.myelin.server.client;

/** The room endpoints on SQLite. */
class SqliteRoomsTest extends RoomsTestBase {
    @Override
    ClientServer.Backend backend() {
        return ClientServer.Backend.SQLITE;
    }
}
