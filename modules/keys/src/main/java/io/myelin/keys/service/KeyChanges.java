package io.myelin.keys.service;

import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.keys.DeviceListChange;

/**
 * Announces changes of a user's keys on {@link Streams#OUTPUT_KEY_CHANGE_EVENT}, subject the user id, payload a
 * {@link DeviceListChange} in its JSON form. Called inside the write that made the change, as its last step, so
 * that the announcement commits with it on either bus (NATS keeps it in its outbox until the commit): no consumer
 * sees it before the keys it announces can be read, and none is lost if the write rolls back.
 */
public final class KeyChanges {

    private final Bus bus;

    /**
     * @param bus the bus
     */
    public KeyChanges(Bus bus) {
        this.bus = bus;
    }

    /**
     * @param userId   the owner
     * @param deviceId the device whose identity keys or signatures changed
     */
    public void deviceKeys(String userId, String deviceId) {
        publish(new DeviceListChange(userId, deviceId, DeviceListChange.DEVICE_KEYS));
    }

    /**
     * @param userId the user whose cross-signing keys or their signatures changed
     */
    public void crossSigning(String userId) {
        publish(new DeviceListChange(userId, null, DeviceListChange.CROSS_SIGNING));
    }

    private void publish(DeviceListChange change) {
        bus.publish(Streams.OUTPUT_KEY_CHANGE_EVENT, change.userId(), change.toBytes());
    }
}
