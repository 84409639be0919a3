package io.myelin.server.keys;

/** Key backups on a fresh PostgreSQL database. */
class PostgresBackupTest extends BackupTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.POSTGRES;
    }
}
