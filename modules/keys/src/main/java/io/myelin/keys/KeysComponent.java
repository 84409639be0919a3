package io.myelin.keys;

import java.util.List;
import java.util.Set;

import io.myelin.api.Component;
import io.myelin.api.ComponentContext;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;
import io.myelin.keys.http.KeyRoutes;
import io.myelin.keys.service.Backups;
import io.myelin.keys.service.CrossSigning;
import io.myelin.keys.service.DeviceDeletions;
import io.myelin.keys.service.DeviceKeys;
import io.myelin.keys.service.KeyChanges;
import io.myelin.keys.service.KeyQuery;
import io.myelin.keys.store.BackupStore;
import io.myelin.keys.store.CrossSigningStore;
import io.myelin.keys.store.DeviceKeyStore;
import io.myelin.keys.store.OneTimeKeyStore;
import io.myelin.keys.store.UserLocks;

/**
 * End-to-end encryption key services: device identity keys, one-time and fallback keys, cross-signing keys and
 * signatures, and server-side key backups. Provides {@link KeysApi}; announces key changes on
 * {@code OutputKeyChangeEvent} and deletes a device's keys when the users component reports the device deleted
 * there.
 */
public final class KeysComponent implements Component {

    private static final System.Logger LOG = System.getLogger(KeysComponent.class.getName());
    private static final Migrations MIGRATIONS = new Migrations("keys", "/io/myelin/keys/db",
            List.of("001-keys.sql", "002-signatures-by-signer.sql"), KeysComponent.class::getResourceAsStream);
    private static final String DURABLE = "keys-device-deletions";

    private KeyRoutes routes;
    private Subscription deletions;

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public Set<Class<?>> provides() {
        return Set.of(KeysApi.class);
    }

    @Override
    public Set<Class<?>> needs() {
        return Set.of(Database.class, Bus.class, AccessTokens.class, UserData.class);
    }

    @Override
    public void start(ComponentContext context) {
        Database db = context.database();
        db.migrate(MIGRATIONS);
        String serverName = context.identity().serverName();
        UserData users = context.require(UserData.class);

        DeviceKeyStore deviceKeyStore = new DeviceKeyStore(db);
        OneTimeKeyStore oneTimeKeyStore = new OneTimeKeyStore(db);
        CrossSigningStore crossSigningStore = new CrossSigningStore(db);
        UserLocks locks = new UserLocks(db);
        KeyChanges changes = new KeyChanges(context.bus());
        DeviceKeys deviceKeys = new DeviceKeys(db, deviceKeyStore, oneTimeKeyStore, locks, changes, serverName);
        context.provide(KeysApi.class, deviceKeys);

        routes = new KeyRoutes(context.require(AccessTokens.class), deviceKeys,
                new KeyQuery(deviceKeyStore, crossSigningStore, users, serverName),
                new CrossSigning(db, crossSigningStore, deviceKeyStore, locks, users, changes),
                new Backups(db, new BackupStore(db)));
        deletions = context.bus().subscribe(Streams.OUTPUT_KEY_CHANGE_EVENT, DURABLE,
                new DeviceDeletions(db, deviceKeyStore, oneTimeKeyStore, crossSigningStore, locks));
        LOG.log(System.Logger.Level.INFO, "keys: started");
    }

    @Override
    public void routes(Routes routes) {
        this.routes.register(routes);
    }

    @Override
    public void stop() {
        if (deletions != null) {
            deletions.close();
        }
    }
}
