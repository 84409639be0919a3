package io.myelin.keys.service;

import io.myelin.api.bus.Message;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.storage.Database;
import io.myelin.keys.store.CrossSigningStore;
import io.myelin.keys.store.DeviceKeyStore;
import io.myelin.keys.store.OneTimeKeyStore;

import jakarta.json.JsonException;

/**
 * Consumes {@code OutputKeyChangeEvent} and deletes the keys of each device the users component reports deleted:
 * its identity keys, one-time and fallback keys, and the signatures uploaded for it. Other records, including the
 * ones this component publishes, are acknowledged and left alone. Deleting is idempotent, so a redelivery is
 * harmless.
 */
public final class DeviceDeletions implements MessageHandler {

    private static final System.Logger LOG = System.getLogger(DeviceDeletions.class.getName());

    private final Database db;
    private final DeviceKeyStore devices;
    private final OneTimeKeyStore oneTimeKeys;
    private final CrossSigningStore crossSigning;

    /**
     * @param db           the database
     * @param devices      device identity keys
     * @param oneTimeKeys  one-time and fallback keys
     * @param crossSigning signatures
     */
    public DeviceDeletions(Database db, DeviceKeyStore devices, OneTimeKeyStore oneTimeKeys,
                           CrossSigningStore crossSigning) {
        this.db = db;
        this.devices = devices;
        this.oneTimeKeys = oneTimeKeys;
        this.crossSigning = crossSigning;
    }

    @Override
    public void handle(Message message) {
        DeviceListChange change = parse(message.payload());
        if (change == null || !DeviceListChange.DEVICE_DELETED.equals(change.kind()) || change.deviceId() == null) {
            message.ack();
            return;
        }
        db.write(tx -> {
            devices.delete(tx, change.userId(), change.deviceId());
            oneTimeKeys.deleteDevice(tx, change.userId(), change.deviceId());
            crossSigning.deleteSignaturesOf(tx, change.userId(), change.deviceId());
            message.ack();
            return null;
        });
        LOG.log(System.Logger.Level.DEBUG, () -> "keys: deleted the keys of device_id=" + change.deviceId()
                + " of user_id=" + change.userId());
    }

    private static DeviceListChange parse(byte[] payload) {
        try {
            return DeviceListChange.fromBytes(payload);
        } catch (JsonException | ClassCastException | NullPointerException | IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "keys: skipped an OutputKeyChangeEvent record that is not a "
                    + "device list change");
            return null;
        }
    }
}
