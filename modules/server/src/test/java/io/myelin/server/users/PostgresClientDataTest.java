package io.myelin.server.users;

/** Client data endpoints on a fresh PostgreSQL database. */
class PostgresClientDataTest extends ClientDataTestBase {
    @Override
    UsersServer.Backend backend() {
        return UsersServer.Backend.POSTGRES;
    }
}
