package io.myelin.sync.devices;

/**
 * The device sources on PostgreSQL.
 */
class DeviceSourcesPostgresTest extends DeviceSourcesTestBase {

    @Override
    DeviceHarness harness() throws Exception {
        return DeviceHarness.postgres(null);
    }
}
