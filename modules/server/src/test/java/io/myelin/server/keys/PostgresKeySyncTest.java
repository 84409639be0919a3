package io.myelin.server.keys;

/** Key changes and key counts in /sync on PostgreSQL. */
class PostgresKeySyncTest extends KeySyncTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.POSTGRES;
    }
}
