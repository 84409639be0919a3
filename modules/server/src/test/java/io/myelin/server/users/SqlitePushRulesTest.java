package io.myelin.server.users;

/** The push rules API on SQLite. */
class SqlitePushRulesTest extends PushRulesTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.SQLITE;
    }
}
