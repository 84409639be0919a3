package io.myelin.server.users;

/** Profile propagation into rooms on PostgreSQL. */
class PostgresProfilePropagationTest extends ProfilePropagationTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.POSTGRES;
    }
}
