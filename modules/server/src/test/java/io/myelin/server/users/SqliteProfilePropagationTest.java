package io.myelin.server.users;

/** Profile propagation into rooms on SQLite. */
class SqliteProfilePropagationTest extends ProfilePropagationTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.SQLITE;
    }
}
