package io.myelin.server.sync;

/**
 * The send-to-device and key-change endpoints on PostgreSQL.
 */
class SyncDeviceHttpPostgresTest extends SyncDeviceHttpTestBase {

    @Override
    DeviceServer.Backend backend() {
        return DeviceServer.Backend.POSTGRES;
    }
}
