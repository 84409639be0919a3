package io.myelin.sync.devices;

import java.util.ArrayList;
import java.util.List;

import io.myelin.api.ComponentContext;
import io.myelin.api.Routes;
import io.myelin.api.bus.Bus;
import io.myelin.api.bus.Streams;
import io.myelin.api.bus.Subscription;
import io.myelin.api.keys.KeysApi;
import io.myelin.api.roomserver.RoomserverApi;
import io.myelin.api.storage.Database;
import io.myelin.api.storage.Migrations;
import io.myelin.api.users.AccessTokens;
import io.myelin.api.users.UserData;
import io.myelin.sync.stream.Memberships;
import io.myelin.sync.stream.Notifier;
import io.myelin.sync.stream.SyncSource;
import io.myelin.sync.stream.SyncToken;

/**
 * The device parts of sync: send-to-device messages ({@link ToDeviceSource}), device-list tracking
 * ({@link DeviceListSource}), one-time-key counts ({@link KeyCountsSource}), and their endpoints
 * {@code PUT /sendToDevice} and {@code GET /keys/changes}.
 */
public final class DeviceSync {

    private static final Migrations MIGRATIONS = new Migrations("sync", "/io/myelin/sync/db",
            List.of("040-to-device.sql", "041-device-lists.sql", "042-to-device-txns.sql",
                    "043-device-list-member-events.sql"),
            DeviceSync.class::getResourceAsStream);
    private static final String DURABLE = "sync-device-lists";

    private final ToDeviceSource toDevice;
    private final DeviceListSource deviceLists;
    private final DeviceRoutes routes;
    private final List<Subscription> subscriptions = new ArrayList<>();

    private DeviceSync(ToDeviceSource toDevice, DeviceListSource deviceLists, DeviceRoutes routes) {
        this.toDevice = toDevice;
        this.deviceLists = deviceLists;
        this.routes = routes;
    }

    /**
     * Migrates the tables, subscribes to {@code OutputKeyChangeEvent} and {@code OutputRoomEvent}, and adds the
     * sources.
     *
     * @param context     the sync component's start context
     * @param memberships who is in which room
     * @param notifier    wakes waiting requests
     * @param sources     where the sources go
     * @param keys        the keys component's service for key counts, or null while no component provides it
     * @return the started parts
     */
    public static DeviceSync start(ComponentContext context, Memberships memberships, Notifier notifier,
                                   List<SyncSource> sources, KeysApi keys) {
        Database db = context.database();
        db.migrate(MIGRATIONS);
        String serverName = context.identity().serverName();
        StreamCounter toDeviceCounter = new StreamCounter(db, SyncToken.TO_DEVICE);
        ToDeviceStore inboxes = new ToDeviceStore(db, toDeviceCounter);
        StreamCounter listCounter = new StreamCounter(db, SyncToken.DEVICE_LISTS);
        ToDeviceSource toDevice = new ToDeviceSource(inboxes, toDeviceCounter, context.require(UserData.class),
                context.bus(), notifier, serverName);
        DeviceListSource deviceLists = new DeviceListSource(new DeviceListStore(db, listCounter), listCounter,
                memberships, context.require(RoomserverApi.class), notifier, inboxes, serverName);
        DeviceSync started = new DeviceSync(toDevice, deviceLists,
                new DeviceRoutes(context.require(AccessTokens.class), toDevice, deviceLists));
        Bus bus = context.bus();
        started.subscriptions.add(bus.subscribe(Streams.OUTPUT_KEY_CHANGE_EVENT, DURABLE, deviceLists::onKeyChange));
        started.subscriptions.add(bus.subscribe(Streams.OUTPUT_ROOM_EVENT, DURABLE, deviceLists::onRoomEvent));
        sources.add(toDevice);
        sources.add(deviceLists);
        if (keys != null) {
            sources.add(new KeyCountsSource(keys));
        }
        return started;
    }

    /** @return the to-device source */
    public ToDeviceSource toDevice() {
        return toDevice;
    }

    /** @return the device-list source */
    public DeviceListSource deviceLists() {
        return deviceLists;
    }

    /**
     * Adds {@code PUT /sendToDevice/{eventType}/{txnId}} and {@code GET /keys/changes}.
     *
     * @param routes the routes
     */
    public void routes(Routes routes) {
        this.routes.register(routes);
    }

    /** Stops consuming the bus. */
    public void stop() {
        subscriptions.forEach(Subscription::close);
        subscriptions.clear();
    }
}
