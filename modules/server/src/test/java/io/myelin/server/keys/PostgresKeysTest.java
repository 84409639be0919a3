package io.myelin.server.keys;

/** Device, one-time and fallback keys on a fresh PostgreSQL database. */
class PostgresKeysTest extends KeysTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.POSTGRES;
    }
}
