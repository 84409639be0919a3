package io.myelin.server.sync;

/**
 * To-device messages and key counts in /sync on SQLite.
 */
class SyncDeviceSyncSqliteTest extends SyncDeviceSyncTestBase {

    @Override
    DeviceServer.Backend backend() {
        return DeviceServer.Backend.SQLITE;
    }
}
