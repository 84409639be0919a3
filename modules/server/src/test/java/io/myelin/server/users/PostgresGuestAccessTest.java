package io.myelin.server.users;

/** Guest access on PostgreSQL. */
class PostgresGuestAccessTest extends GuestAccessTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.POSTGRES;
    }
}
