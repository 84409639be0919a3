package io.myelin.server.users;

/** Guest access on SQLite. */
class SqliteGuestAccessTest extends GuestAccessTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.SQLITE;
    }
}
