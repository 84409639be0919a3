package io.myelin.server.sync;

/**
 * To-device messages and key counts in /sync on PostgreSQL.
 */
class SyncDeviceSyncPostgresTest extends SyncDeviceSyncTestBase {

    @Override
    DeviceServer.Backend backend() {
        return DeviceServer.Backend.POSTGRES;
    }
}
