package io.myelin.server.users;

/** The account endpoints on a fresh PostgreSQL database. */
class PostgresAccountsTest extends AccountsTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.POSTGRES;
    }
}
