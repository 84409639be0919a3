package io.myelin.server.keys;

/** Key backups on SQLite. */
class SqliteBackupTest extends BackupTestBase {
    @Override
    KeysServer.Backend backend() {
        return KeysServer.Backend.SQLITE;
    }
}
