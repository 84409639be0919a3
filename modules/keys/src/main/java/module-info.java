/**
 * End-to-end encryption key services and device-list tracking.
 */
module io.myelin.keys {
    requires io.myelin.api;

    provides io.myelin.api.Component with io.myelin.keys.KeysComponent;
}
