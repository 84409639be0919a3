/**
 * End-to-end-encryption key services: {@link io.myelin.api.keys.KeysApi}, provided by the keys component, and
 * {@link io.myelin.api.keys.DeviceListChange}, the record of the {@code OutputKeyChangeEvent} stream.
 */
package io.myelin.api.keys;
