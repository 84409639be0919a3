package io.myelin.server.client;

/** The room endpoints on PostgreSQL. */
class PostgresRoomsTest extends RoomsTestBase {
    @Override
    ClientServer.Backend backend() {
        return ClientServer.Backend.POSTGRES;
    }
}
