package io.myelin.server.keys;

/** Device, one-time and fallback keys on SQLite. */
class SqliteKeysTest extends KeysTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.SQLITE;
    }
}
