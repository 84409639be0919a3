package io.myelin.server.sync;

/**
 * The send-to-device and key-change endpoints on SQLite.
 */
class SyncDeviceHttpSqliteTest extends SyncDeviceHttpTestBase {

    @Override
    DeviceServer.Backend backend() {
        return DeviceServer.Backend.SQLITE;
    }
}
