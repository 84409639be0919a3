package io.myelin.server.keys;

/** Key changes and key counts in /sync on SQLite. */
class SqliteKeySyncTest extends KeySyncTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.SQLITE;
    }
}
