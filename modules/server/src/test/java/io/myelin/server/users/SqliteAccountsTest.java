package io.myelin.server.users;

/** The account endpoints on SQLite. */
class SqliteAccountsTest extends AccountsTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.SQLITE;
    }
}
