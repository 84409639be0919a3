package io.myelin.server.keys;

/** Cross-signing on SQLite. */
class SqliteCrossSigningTest extends CrossSigningTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.SQLITE;
    }
}
