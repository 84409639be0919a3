package io.myelin.server.keys;

/** Cross-signing on a fresh PostgreSQL database. */
class PostgresCrossSigningTest extends CrossSigningTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.POSTGRES;
    }
}
