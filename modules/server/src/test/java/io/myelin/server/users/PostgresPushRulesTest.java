package io.myelin.server.users;

/** The push rules API on a fresh PostgreSQL database. */
class PostgresPushRulesTest extends PushRulesTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.POSTGRES;
    }
}
