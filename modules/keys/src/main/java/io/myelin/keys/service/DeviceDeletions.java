package io.myelin.keys.service;

import io.myelin.api.bus.Message;
import io.myelin.api.bus.MessageHandler;
import io.myelin.api.keys.DeviceListChange;
import io.myelin.api.storage.Database;
import io.myelin.keys.store.CrossSigningStore;
import io.myelin.keys.store.CrossSigningStore.StoredKey;
import io.myelin.keys.store.DeviceKeyStore;
import io.myelin.keys.store.OneTimeKeyStore;
import io.myelin.keys.store.UserLocks;

import io.myelin.protocol.json.JsonSupport;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * Consumes {@code OutputKeyChangeEvent} and deletes the keys of each device the users component reports deleted:
 * its identity keys, one-time and fallback keys, the signatures uploaded for it and the signatures its key made
 * (of the user's master key, uploaded later or with the key): a device that is gone vouches for nothing. Other
 * records, including the ones this component publishes, are acknowledged and left alone. Deleting is idempotent,
 * so a redelivery is harmless.
 */
public final class DeviceDeletions implements MessageHandler {

    private static final System.Logger LOG = System.getLogger(DeviceDeletions.class.getName());

    private final Database db;
    private final DeviceKeyStore devices;
    private final OneTimeKeyStore oneTimeKeys;
    private final CrossSigningStore crossSigning;
    private final UserLocks locks;

    /**
     * @param db           the database
     * @param devices      device identity keys
     * @param oneTimeKeys  one-time and fallback keys
     * @param crossSigning cross-signing keys and signatures
     * @param locks        per-user locks of key writes
     */
    public DeviceDeletions(Database db, DeviceKeyStore devices, OneTimeKeyStore oneTimeKeys,
                           CrossSigningStore crossSigning, UserLocks locks) {
        this.db = db;
        this.devices = devices;
        this.oneTimeKeys = oneTimeKeys;
        this.crossSigning = crossSigning;
        this.locks = locks;
    }

    @Override
    public void handle(Message message) {
        DeviceListChange change = parse(message.payload());
        if (change == null || !DeviceListChange.DEVICE_DELETED.equals(change.kind()) || change.deviceId() == null) {
            message.ack();
            return;
        }
        String signerKeyId = "ed25519:" + change.deviceId();
        db.write(tx -> {
            // The master key is read and written back below; an upload replacing it must not interleave.
            locks.lock(tx, change.userId());
            devices.delete(tx, change.userId(), change.deviceId());
            oneTimeKeys.deleteDevice(tx, change.userId(), change.deviceId());
            crossSigning.deleteSignaturesOf(tx, change.userId(), change.deviceId());
            crossSigning.deleteSignaturesBy(tx, change.userId(), signerKeyId);
            crossSigning.key(tx, change.userId(), CrossSigningStore.MASTER)
                    .map(master -> withoutSignature(master, change.userId(), signerKeyId))
                    .ifPresent(master -> crossSigning.put(tx, change.userId(), master));
            message.ack();
            return null;
        });
        LOG.log(System.Logger.Level.DEBUG, () -> "keys: deleted the keys of device_id=" + change.deviceId()
                + " of user_id=" + change.userId());
    }

    /** The key without the signature the device uploaded with it, or null when it carries none. */
    private static StoredKey withoutSignature(StoredKey key, String userId, String signerKeyId) {
        if (!(key.json().get("signatures") instanceof JsonObject all)
                || !(all.get(userId) instanceof JsonObject own) || !own.containsKey(signerKeyId)) {
            return null;
        }
        JsonObjectBuilder signatures = JsonSupport.provider().createObjectBuilder(all);
        if (own.size() == 1) {
            signatures.remove(userId);
        } else {
            signatures.add(userId, JsonSupport.provider().createObjectBuilder(own).remove(signerKeyId));
        }
        return new StoredKey(key.usage(), key.publicKey(),
                JsonSupport.provider().createObjectBuilder(key.json()).add("signatures", signatures).build());
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
