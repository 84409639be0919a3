package io.myelin.server.users;

/** Client data endpoints on SQLite. */
class SqliteClientDataTest extends ClientDataTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.SQLITE;
    }
}
