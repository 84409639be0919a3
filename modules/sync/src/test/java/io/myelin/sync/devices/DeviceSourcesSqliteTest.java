package io.myelin.sync.devices;

/**
 * The device sources on SQLite.
 */
class DeviceSourcesSqliteTest extends DeviceSourcesTestBase {

    @Override
    DeviceHarness harness() throws Exception {
        return DeviceHarness.sqlite(null);
    }
}
